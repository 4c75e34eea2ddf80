// The static status page: status.json (every public update) and index.html rendered from it, in a
// folder ready for any static host. Adapter: adapters/notify/static-page.ts.

export interface StaticUpdate {
  stage: string;
  stageLabel: string;
  body: string;
  at: string; // ISO
}

export interface StaticIncident {
  id: string; // the ticket
  name: string;
  status: string; // the latest stage
  impact: string; // critical | major | minor
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  updates: StaticUpdate[];
}

export interface StatusDocument {
  page: { name: string; updatedAt: string };
  status: { indicator: "none" | "minor" | "major" | "critical"; description: string };
  incidents: StaticIncident[];
}

export interface StaticPageNotifier {
  /** The folder written to, as configured (for messages). */
  readonly dir: string;
  /** The published document, or null when there is none yet. */
  read(): Promise<StatusDocument | null>;
  /** Whether the page already carries `stage` for incident `id` (settles an interrupted write). */
  hasUpdate(id: string, stage: string): Promise<boolean>;
  /** Publishes the document and its HTML whole: a host never serves half a page. */
  write(doc: StatusDocument, html: string): Promise<void>;
}

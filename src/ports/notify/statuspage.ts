// Atlassian Statuspage: a public incident, opened once and updated per stage. Unlike a chat
// webhook the page can be asked what happened, so an interrupted send is settled by looking.
// Adapter: adapters/notify/statuspage.ts.

export interface StatuspageIncident {
  id: string;
  name: string;
  status: string;
  shortlink?: string;
  created_at?: string;
  metadata?: Record<string, unknown>;
  incident_updates?: { status?: string; body?: string; created_at?: string }[];
}

export interface StatuspageUpdate {
  name?: string;
  status: string;
  body: string;
  componentIds: string[];
  components: Record<string, string>;
  deliverNotifications: boolean;
  metadata?: Record<string, unknown>;
}

export interface StatuspageNotifier {
  create(update: StatuspageUpdate): Promise<StatuspageIncident>;
  update(id: string, update: StatuspageUpdate): Promise<StatuspageIncident>;
  get(id: string): Promise<StatuspageIncident>;
  /** Incidents whose name matches `q`, to find one an interrupted run created. */
  search(q: string): Promise<StatuspageIncident[]>;
}

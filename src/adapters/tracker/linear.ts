// Linear as the tracker, through @linear/sdk's GraphQL client. Every issue and comment is created
// with an id derived from its effect key (Linear accepts a client-chosen UUID), so:
//   - an interrupted create is looked up by that id (reconcile), and
//   - a create that did happen can never happen twice: Linear refuses a second one with that id.
// The documents below ask only for the fields firebreak reads.

import { createHash } from "node:crypto";
import { LinearClient } from "@linear/sdk";
import type { Secret } from "../../config/secrets.js";
import { FirebreakError } from "../../errors.js";
import { safeExcerpt } from "../../redact.js";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import type { NewTrackerIssue, Tracker, TrackerComment, TrackerItem } from "../../ports/tracker.js";
import { keyMarker } from "./key-marker.js";

export const ISSUE_CREATE = `mutation FirebreakIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}`;
export const ISSUE_BY_ID = `query FirebreakIssue($id: String!) {
  issue(id: $id) { id identifier url }
}`;
export const COMMENT_CREATE = `mutation FirebreakCommentCreate($input: CommentCreateInput!) {
  commentCreate(input: $input) { success comment { id url } }
}`;
export const COMMENT_BY_ID = `query FirebreakComment($id: String!) {
  comment(id: $id) { id url }
}`;

/** A UUID (version 4 layout) derived from `seed`: the same effect always gets the same id. */
export function stableUuid(seed: string): string {
  const b = createHash("sha256").update(seed).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface LinearTrackerOptions {
  teamId: string;
  token: Secret;
  apiUrl?: string;
}

interface LinearFailure {
  answered: boolean;
  status?: number;
  type?: string;
  message: string;
  notFound: boolean;
  duplicate: boolean;
}

function readLinearFailure(e: unknown): LinearFailure {
  const err = e as {
    type?: string;
    status?: number;
    message?: string;
    errors?: { message?: string; type?: string }[];
    cause?: unknown;
    name?: string;
  };
  const messages = [err.message ?? "", ...(err.errors ?? []).map((x) => x.message ?? "")].join(" ");
  // fetch() failing outright (TypeError) means no answer came back.
  const answered = typeof err.status === "number" || (Array.isArray(err.errors) && err.errors.length > 0);
  return {
    answered,
    status: err.status,
    type: err.type,
    message: safeExcerpt(messages.trim() || String(e), 300),
    notFound: /not found|could not find|does not exist/i.test(messages),
    duplicate: /already exists|duplicate|unique constraint/i.test(messages),
  };
}

export class LinearTracker implements Tracker {
  readonly kind = "linear" as const;
  readonly where: string;
  private readonly client: LinearClient;

  constructor(private readonly opts: LinearTrackerOptions) {
    this.where = `Linear team ${opts.teamId}`;
    this.client = new LinearClient({ apiKey: opts.token.reveal(), ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}) });
  }

  private async gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const r = await this.client.client.rawRequest<T, Record<string, unknown>>(query, variables);
    return r.data as T;
  }

  private error(f: LinearFailure, action: string): FirebreakError {
    const auth = f.type === "AuthenticationError" || f.status === 401;
    return new FirebreakError({
      code: auth ? "TRACKER_AUTH" : f.answered ? "TRACKER_REFUSED" : "TRACKER_UNREACHABLE",
      message: `Linear ${f.answered ? "refused" : "did not answer"} the attempt to ${action}: ${f.message}`,
      next: auth
        ? "export the Linear API key named by tracker.token (e.g. LINEAR_API_KEY), then run the same command again"
        : "check tracker.teamId and the network, then run the same firebreak command again: nothing is done twice",
    });
  }

  /** The item with `id`, null when Linear says there is none, "unknown" when it cannot be asked. */
  private async lookup(query: string, field: "issue" | "comment", id: string): Promise<TrackerItem | null | "unknown"> {
    try {
      const data = await this.gql<Record<string, { id: string; identifier?: string; url: string } | null>>(query, { id });
      const hit = data[field];
      return hit ? { ref: hit.identifier ?? hit.id, url: hit.url, id: hit.id } : null;
    } catch (e) {
      const f = readLinearFailure(e);
      if (f.answered && f.notFound) return null;
      return "unknown";
    }
  }

  /** Creates with a stable id; a lost answer or a "duplicate id" answer is settled by looking the id up. */
  private async create(
    action: string,
    query: string,
    field: "issueCreate" | "commentCreate",
    input: Record<string, unknown>,
    byId: () => Promise<TrackerItem | null | "unknown">,
  ): Promise<TrackerItem> {
    try {
      const data = await this.gql<
        Record<string, { success: boolean; issue?: { id: string; identifier: string; url: string }; comment?: { id: string; url: string } }>
      >(query, { input });
      const p = data[field];
      const made: { id: string; identifier?: string; url: string } | undefined = p?.issue ?? p?.comment;
      if (!p?.success || !made)
        throw new FirebreakError({
          code: "TRACKER_REFUSED",
          message: `Linear did not ${action} (success: false).`,
          next: "check tracker.teamId in .firebreak.yml, then run the same command again",
        });
      return { ref: made.identifier ?? made.id, url: made.url, id: made.id };
    } catch (e) {
      if (e instanceof FirebreakError) throw e;
      const f = readLinearFailure(e);
      if (!f.answered || f.duplicate || (f.status ?? 0) >= 500) {
        const seen = await byId();
        if (seen && seen !== "unknown") return seen;
        if (seen === "unknown" || !f.answered)
          throw new AmbiguousOutcome(`Linear failed while trying to ${action} and may have done it (${f.message})`);
      }
      throw this.error(f, action);
    }
  }

  openIssue(input: NewTrackerIssue): Promise<TrackerItem> {
    const id = stableUuid(input.key);
    const description = `${input.body.trimEnd()}\n\n${keyMarker(input.key)}\n`;
    return this.create(
      `open the issue "${input.title}"`,
      ISSUE_CREATE,
      "issueCreate",
      { id, teamId: this.opts.teamId, title: input.title, description, ...(input.due ? { dueDate: input.due } : {}) },
      () => this.lookup(ISSUE_BY_ID, "issue", id),
    );
  }

  findIssue(key: string): Promise<TrackerItem | null | "unknown"> {
    return this.lookup(ISSUE_BY_ID, "issue", stableUuid(key));
  }

  /** Linear takes the ticket's identifier (ENG-1234) wherever it takes an issue id. */
  ticketTarget(ticket: string): string | null {
    return /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/.test(ticket) ? ticket : null;
  }

  comment(input: TrackerComment): Promise<TrackerItem> {
    const id = stableUuid(input.key);
    return this.create(
      `comment on ${input.target}`,
      COMMENT_CREATE,
      "commentCreate",
      { id, issueId: input.target, body: input.body.trimEnd() },
      () => this.lookup(COMMENT_BY_ID, "comment", id),
    ).then((c) => ({ ...c, ref: input.target }));
  }

  findComment(key: string, target: string): Promise<TrackerItem | null | "unknown"> {
    return this.lookup(COMMENT_BY_ID, "comment", stableUuid(key)).then((c) => (c && c !== "unknown" ? { ...c, ref: target } : c));
  }
}

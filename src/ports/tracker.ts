// The tracker: where follow-up tickets are opened and where the incident's own ticket gets its
// resolution comment. Three adapters: GitHub issues (adapters/tracker/github.ts), Linear (adapters/tracker/linear.ts) and, offline,
// a Markdown file in the repository's git directory (adapters/tracker/file.ts). workflow/followups.ts wraps every
// create in an effect; `key` is the stable name of that effect, which adapters use to find an
// earlier attempt (a marker in the body, or an id derived from it).

export interface TrackerItem {
  /** How people name it: "#12", "ENG-99", or the file path. */
  ref: string;
  url: string;
  /** The tracker's own id, when it has one. */
  id?: string;
}

export interface NewTrackerIssue {
  key: string;
  title: string;
  body: string; // Markdown
  due?: string; // YYYY-MM-DD
}

export interface TrackerComment {
  key: string;
  /** What ticketTarget() returned for the incident's ticket. */
  target: string;
  body: string; // Markdown
}

export interface Tracker {
  readonly kind: "github" | "linear" | "file";
  /** Where it lives, for messages: "acme/api", "Linear team 9cf…", the file. */
  readonly where: string;
  openIssue(input: NewTrackerIssue): Promise<TrackerItem>;
  /** An earlier attempt for `key`: the item, null when it certainly does not exist, "unknown" when the tracker cannot say. */
  findIssue(key: string): Promise<TrackerItem | null | "unknown">;
  /** The incident ticket as this tracker knows it (an issue number, an identifier), or null when it is not one of its tickets. */
  ticketTarget(ticket: string): string | null;
  comment(input: TrackerComment): Promise<TrackerItem>;
  findComment(key: string, target: string): Promise<TrackerItem | null | "unknown">;
}

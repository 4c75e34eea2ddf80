// GitHub issues as the tracker: a follow-up is an issue, the resolution is a comment on the issue
// the ticket names (tracker.issuePattern, default GH-123 or #123). Creates are sent once: plain
// Octokit without the retry plugin, so a POST is never repeated behind our back. When GitHub's
// answer is lost the outcome is ambiguous and the effect journal asks a person (--resend).

import { Octokit } from "@octokit/rest";
import type { Secret } from "../../config/secrets.js";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import { gitHubError, isTransient, readFailure } from "../forge/github-errors.js";
import type { NewTrackerIssue, Tracker, TrackerComment, TrackerItem } from "../../ports/tracker.js";
import { keyMarker } from "./key-marker.js";

export interface GitHubTrackerOptions {
  owner: string;
  repo: string;
  token: Secret;
  baseUrl?: string;
  /** A regular expression whose first group is the issue number of the incident's ticket. */
  issuePattern: string;
}

export class GitHubTracker implements Tracker {
  readonly kind = "github" as const;
  readonly where: string;
  private readonly octokit: Octokit;
  private readonly o: { owner: string; repo: string };
  private readonly pattern: RegExp;

  constructor(opts: GitHubTrackerOptions) {
    this.o = { owner: opts.owner, repo: opts.repo };
    this.where = `${opts.owner}/${opts.repo}`;
    this.pattern = new RegExp(opts.issuePattern);
    this.octokit = new Octokit({
      auth: opts.token.reveal(),
      baseUrl: opts.baseUrl,
      userAgent: "firebreak",
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  private fail(e: unknown, action: string): never {
    const f = readFailure(e);
    // No answer, or a server error: GitHub may have made it. Only the journal can decide now.
    if (isTransient(f)) throw new AmbiguousOutcome(`GitHub failed while trying to ${action}, and may have done it (${f.message})`);
    throw gitHubError(f, action, this.where);
  }

  async openIssue(input: NewTrackerIssue): Promise<TrackerItem> {
    const body = `${input.body.trimEnd()}\n\n${input.due ? `Due: ${input.due}\n\n` : ""}${keyMarker(input.key)}\n`;
    try {
      const r = await this.octokit.request("POST /repos/{owner}/{repo}/issues", { ...this.o, title: input.title, body });
      return { ref: `#${r.data.number}`, url: r.data.html_url, id: String(r.data.number) };
    } catch (e) {
      this.fail(e, `open the issue "${input.title}"`);
    }
  }

  // The subset of GitHub's API firebreak uses has no issue search: an interrupted create cannot be
  // looked up, so it is reported as possibly done rather than opened again.
  async findIssue(): Promise<"unknown"> {
    return "unknown";
  }

  ticketTarget(ticket: string): string | null {
    const m = this.pattern.exec(ticket);
    const n = m?.[1];
    return n && /^\d{1,9}$/.test(n) && Number(n) > 0 ? String(Number(n)) : null;
  }

  async comment(input: TrackerComment): Promise<TrackerItem> {
    const issue = Number(input.target);
    try {
      const r = await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...this.o,
        issue_number: issue,
        body: `${input.body.trimEnd()}\n\n${keyMarker(input.key)}\n`,
      });
      return { ref: `#${issue}`, url: r.data.html_url, id: String(r.data.id) };
    } catch (e) {
      this.fail(e, `comment on issue #${issue}`);
    }
  }

  async findComment(): Promise<"unknown"> {
    return "unknown";
  }
}

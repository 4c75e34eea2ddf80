// The pull request an event is about, from the payload shapes GitHub sends: `pull_request`
// (opened, synchronize, labeled, closed…) and `pull_request_review` carry the PR; `workflow_run`
// lists the PRs of its branch; `issue_comment` carries the issue, which is a PR when it has a
// `pull_request` key, and the comment.

export interface EventPull {
  number: number;
  /** Known from a pull_request payload; a comment's payload has only the number. */
  headRef: string | null;
  headSha: string | null;
  baseRef: string | null;
  merged: boolean | null;
  labels: string[];
  /** The head is in another repository (a fork): on `pull_request` its token is read-only. Null: not told. */
  fromFork: boolean | null;
}

export interface EventComment {
  author: string;
  body: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function pullOf(eventName: string, payload: Json): EventPull | null {
  if (eventName === "pull_request" || eventName === "pull_request_target" || eventName === "pull_request_review") {
    const pr = obj(payload.pull_request);
    if (typeof pr.number !== "number") return null;
    return {
      number: pr.number,
      headRef: str(obj(pr.head).ref),
      headSha: str(obj(pr.head).sha),
      baseRef: str(obj(pr.base).ref),
      merged: typeof pr.merged === "boolean" ? pr.merged : null,
      labels: labelNames(pr.labels),
      fromFork: forkOf(pr),
    };
  }
  if (eventName === "workflow_run") {
    // CI finished: the run names the PRs of its head branch (same-repository PRs only).
    const first = obj((obj(payload.workflow_run).pull_requests as unknown[] | undefined)?.[0]);
    if (typeof first.number !== "number") return null;
    return {
      number: first.number,
      headRef: str(obj(first.head).ref),
      headSha: str(obj(first.head).sha),
      baseRef: str(obj(first.base).ref),
      merged: null,
      labels: [],
      fromFork: null,
    };
  }
  if (eventName === "issue_comment") {
    const issue = obj(payload.issue);
    if (typeof issue.number !== "number" || !issue.pull_request) return null;
    return {
      number: issue.number,
      headRef: null,
      headSha: null,
      baseRef: null,
      merged: null,
      labels: labelNames(issue.labels),
      fromFork: null,
    };
  }
  return null;
}

export function commentOf(eventName: string, payload: Json): EventComment | null {
  if (eventName !== "issue_comment") return null;
  const c = obj(payload.comment);
  const body = str(c.body);
  const author = str(obj(c.user).login);
  return body !== null && author ? { author, body } : null;
}

/** A fork's PR names another repository as its head's (head.repo is null once the fork is deleted). */
function forkOf(pr: Json): boolean | null {
  const head = obj(pr.head);
  if (!("repo" in head)) return null;
  if (head.repo === null) return true;
  const from = str(obj(head.repo).full_name);
  const into = str(obj(obj(pr.base).repo).full_name);
  return from !== null && into !== null ? from !== into : null;
}

function labelNames(v: unknown): string[] {
  return Array.isArray(v) ? v.map((l) => (typeof l === "string" ? l : (str(obj(l).name) ?? ""))).filter((n) => n !== "") : [];
}

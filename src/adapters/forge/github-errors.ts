// GitHub's answers, translated once at the edge into errors people can act on. Octokit's own
// errors carry the request (headers, body) and are never passed on: only status and GitHub's
// message, redacted, leave this file.

import { FirebreakError } from "../../errors.js";
import { redact } from "../../redact.js";

export interface GitHubFailure {
  status: number; // 0 when no answer came back
  message: string; // GitHub's message, or the network error
  errors: { code?: string; message?: string; field?: string; resource?: string }[];
  retryAfter: number | null;
  answered: boolean; // false: the request may or may not have reached GitHub
}

/** Reads an Octokit RequestError (or a network failure) into plain data. */
export function readFailure(e: unknown): GitHubFailure {
  const err = e as {
    status?: number;
    message?: string;
    response?: { data?: unknown; headers?: Record<string, string | undefined> };
  };
  const data = (err.response?.data ?? {}) as { message?: unknown; errors?: unknown };
  const errors = Array.isArray(data.errors)
    ? data.errors.map((x) => (typeof x === "string" ? { message: x } : (x as GitHubFailure["errors"][number])))
    : [];
  const answered = err.response !== undefined;
  const retryAfterHeader = err.response?.headers?.["retry-after"];
  return {
    status: answered ? Number(err.status ?? 0) : 0,
    message: redact(typeof data.message === "string" ? data.message : String(err.message ?? e)),
    errors,
    retryAfter: retryAfterHeader !== undefined && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : null,
    answered,
  };
}

const allText = (f: GitHubFailure) => [f.message, ...f.errors.map((x) => `${x.code ?? ""} ${x.message ?? ""}`)].join(" ");

/** 422 "A pull request already exists for owner:branch." */
export const isPullRequestExists = (f: GitHubFailure) => f.status === 422 && /pull request already exists/i.test(allText(f));
/** 422 with code already_exists (a label made by an earlier run or by someone else). */
export const isAlreadyExists = (f: GitHubFailure) => f.status === 422 && f.errors.some((x) => x.code === "already_exists");
/** 422 "Could not resolve to a node": GitHub has not finished creating what we just made. */
export const isNotResolvedYet = (f: GitHubFailure) => f.status === 422 && /could not resolve to a node/i.test(allText(f));
/** No answer, or a server-side failure: the request may have done its work. */
export const isTransient = (f: GitHubFailure) => !f.answered || f.status >= 500;
export const isRateLimited = (f: GitHubFailure) => f.status === 429 || (f.status === 403 && /rate limit/i.test(f.message));

/** The error to show for a failure `action` ("open the pull request") against `repo`. */
export function gitHubError(f: GitHubFailure, action: string, repo: string): FirebreakError {
  const details = f.errors.map((x) => redact([x.field, x.code, x.message].filter(Boolean).join(": "))).filter((d) => d !== "");
  const base = { details };
  const said = f.message ? `: ${f.message}` : "";
  if (!f.answered)
    return new FirebreakError({ ...base, code: "FORGE_UNREACHABLE", message: `GitHub did not answer while trying to ${action}${said}.` });
  if (isRateLimited(f))
    return new FirebreakError({
      ...base,
      code: "FORGE_RATE_LIMITED",
      message: `GitHub's rate limit stopped the attempt to ${action}.`,
      next: `wait ${f.retryAfter ?? 60} seconds, then run the same firebreak command again`,
    });
  switch (f.status) {
    case 401:
      return new FirebreakError({ ...base, code: "FORGE_AUTH", message: `GitHub refused the token while trying to ${action}${said}.` });
    case 403:
      return new FirebreakError({ ...base, code: "FORGE_FORBIDDEN", message: `The token may not ${action} in ${repo}${said}.` });
    case 404:
      return new FirebreakError({ ...base, code: "FORGE_NOT_FOUND", message: `GitHub found nothing to ${action} in ${repo}${said}.` });
    case 405:
      return new FirebreakError({
        ...base,
        code: "PR_NOT_MERGEABLE",
        message: `GitHub will not merge: ${f.message || "the pull request is not mergeable"}.`,
      });
    case 409:
      return new FirebreakError({ ...base, code: "PR_CONFLICT", message: `GitHub reported a conflict while trying to ${action}${said}.` });
    case 422:
      if (/review(s)? may only be requested from collaborators|not a collaborator/i.test(allText(f)))
        return new FirebreakError({ ...base, code: "REVIEWER_NOT_COLLABORATOR", message: `GitHub refused a reviewer: ${f.message}.` });
      if (/from pull request author/i.test(allText(f)))
        return new FirebreakError({
          ...base,
          code: "REVIEWER_IS_AUTHOR",
          message: "The author of a pull request cannot be asked to review it.",
        });
      return new FirebreakError({ ...base, code: "FORGE_VALIDATION", message: `GitHub rejected the attempt to ${action}${said}.` });
    default:
      return new FirebreakError({
        ...base,
        code: "FORGE_UNAVAILABLE",
        message: `GitHub failed (HTTP ${f.status}) while trying to ${action}${said}.`,
      });
  }
}

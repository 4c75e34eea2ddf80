// Git remote URLs in the forms people actually have: https, ssh://, scp-like (git@host:o/n), git://.

export interface GitHubRepo {
  owner: string;
  name: string;
}

/** owner/name when `url` points at github.com, else null. */
export function parseGitHubRemote(url: string): GitHubRepo | null {
  const u = url.trim();
  const m =
    /^(?:https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(u) ??
    /^(?:[^@/:]+@)?github\.com:\/?([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(u);
  const owner = m?.[1];
  const name = m?.[2];
  if (!owner || !name) return null;
  const ok = /^[A-Za-z0-9_.-]+$/;
  return ok.test(owner) && ok.test(name) ? { owner, name } : null;
}

/** The URL without user:password@, for showing and storing. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]+@/i, "$1");
}

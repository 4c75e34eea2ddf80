// `firebreak backport --pr N` carries the commits that landed on the base, however the PR was
// merged: a merge commit's side, the one squashed commit, or every rebased commit (new SHAs, found as
// the last N first-parent commits, N being the PR's own commit count from refs/pull/N/head), and
// never an unrelated commit of the base. Without --to, the PR's `backport <branch>` labels name the targets.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";

type Json = Record<string, unknown>;
let fx: GitFixture;
let gh: ContractServer;
let own: string[]; // the PR's own commits, as pushed to its branch

beforeEach(async () => {
  fx = makeRepo();
  gh = await startContractServer();
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": `forge:\n  type: github\n  repo: acme/api\n  baseUrl: ${gh.url}\nbackport:\n  targets:\n    - branch: release-1\n    - branch: release-2\n`,
    "src/auth.js": "export function check(t) { return true; }\n",
  });
  fx.git("branch", "release-1");
  fx.git("branch", "release-2");
  fx.git("switch", "-q", "-c", "fix/x");
  own = [
    fx.commit("fix: compare exp", { "src/auth.js": "export function check(t) { return t.exp > 0; }\n" }),
    fx.commit("test: expired token", { "test/auth.test.js": "it('rejects an expired token', () => {});\n" }),
  ];
  fx.git("switch", "-q", "main");
  // The base moved on meanwhile: a commit no backport may carry.
  fx.commit("docs: unrelated", { "README.md": "api\n" });
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
});

/** The PR on the contract server, merged as `merge`, and its head kept as GitHub keeps it (refs/pull/N/head). */
async function merged(merge: string, opts: { labels?: string[]; keepHead?: boolean } = {}): Promise<number> {
  const r = await fetch(`${gh.url}/repos/acme/api/pulls`, {
    method: "POST",
    headers: { authorization: "token t", "content-type": "application/json" },
    body: JSON.stringify({ head: "fix/x", base: "main", title: "Reject expired tokens", body: "" }),
  });
  const n = ((await r.json()) as { number: number }).number;
  Object.assign(gh.state.pulls.get(n)!, {
    state: "closed",
    merged: true,
    merged_at: new Date().toISOString(),
    merge_commit_sha: merge,
    labels: (opts.labels ?? []).map((name, i) => ({
      id: 70 + i,
      node_id: `LA_${i}`,
      url: "",
      name,
      color: "ededed",
      default: false,
      description: null,
    })),
  });
  fx.git("push", "-q", "origin", "main", "release-1", "release-2");
  if (opts.keepHead !== false) fx.git("push", "-q", "origin", `fix/x:refs/pull/${n}/head`);
  return n;
}

async function plan(n: number, to?: string): Promise<{ rows: (Json & { missing: string[]; target: Json })[]; out: string }> {
  const r = await firebreak(fx.work, ["backport", "--pr", String(n), ...(to ? ["--to", to] : []), "-t", "ENG-9", "--plan", "--json"], {
    env: { GITHUB_TOKEN: "ghs_cli" },
  });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(gh.errors).toEqual([]);
  return { rows: r.json().plan, out: r.stderr };
}

describe("firebreak backport --pr: the commits that landed", () => {
  it("a rebase merge: every rebased commit (new SHAs), not the base's own", async () => {
    fx.git("cherry-pick", own[0]!, own[1]!);
    const rebased = fx.git("rev-list", "--reverse", "-n", "2", "HEAD").split("\n");
    expect(rebased).not.toEqual(own);
    const n = await merged(rebased[1]!, { labels: ["backport release-1", "bug"] });
    const { rows, out } = await plan(n);
    // No --to: the label asked for release-1 alone, not every configured target.
    expect(rows.map((r) => r.target.branch)).toEqual(["release-1"]);
    expect(rows[0]!.missing).toEqual(rebased);
    expect(out).toContain(`#${n} landed by rebase: 2 commits`);
  });

  it("a squash merge: the one squashed commit", async () => {
    fx.git("merge", "-q", "--squash", "fix/x");
    fx.git("commit", "-q", "-m", "Reject expired tokens (#1)\n\n* fix: compare exp\n* test: expired token");
    const squash = fx.git("rev-parse", "HEAD");
    const n = await merged(squash);
    const { rows, out } = await plan(n, "release-1");
    expect(rows[0]!.missing).toEqual([squash]);
    expect(out).toContain(`#${n} landed by squash: 1 commit`);
  });

  it("a merge commit: its side, the merge itself left out", async () => {
    fx.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/fix/x", "fix/x");
    const n = await merged(fx.git("rev-parse", "HEAD"));
    const { rows } = await plan(n, "release-2");
    expect(rows[0]!.missing).toEqual(own);
  });

  it("says so when the PR's own commits cannot be read, and takes the merged commit alone", async () => {
    fx.git("cherry-pick", own[0]!, own[1]!);
    const last = fx.git("rev-parse", "HEAD");
    const n = await merged(last, { keepHead: false });
    const { rows, out } = await plan(n, "release-1");
    expect(rows[0]!.missing).toEqual([last]);
    expect(out).toContain(`The commits of #${n} could not be read (no refs/pull/${n}/head on origin)`);
    expect(out).toContain("firebreak backport --commit");
  });

  it("opens the backport PR with the original's labels, reviewers and milestone, as the Action does", async () => {
    fx.git("cherry-pick", own[0]!, own[1]!);
    const n = await merged(fx.git("rev-parse", "HEAD"), { labels: ["backport release-1", "bug"] });
    const original = gh.state.pulls.get(n)!;
    Object.assign(original, {
      requested_reviewers: [{ ...((original.user ?? {}) as Json), login: "dana" }],
      milestone: { ...((original.milestone as Json | null) ?? {}), number: 3 },
    });
    const r = await firebreak(fx.work, ["backport", "--pr", String(n), "-t", "ENG-9", "--json"], { env: { GITHUB_TOKEN: "ghs_cli" } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gh.errors).toEqual([]);
    const bp = [...gh.state.pulls.values()].find((p) => p.number !== n)!;
    expect((bp.base as Json).ref).toBe("release-1");
    const labels = (bp.labels as Json[]).map((l) => l.name);
    expect(labels).toContain("bug");
    expect(labels).not.toContain("backport release-1");
    expect((bp.requested_reviewers as Json[]).map((u) => u.login)).toEqual(["dana"]);
    expect((bp.milestone as Json).number).toBe(3);
    expect(r.json().reports).toEqual([expect.objectContaining({ target: "release-1", status: "done", pr: bp.number, draft: false })]);
  });

  it("with --draft-conflicts, in CI, opens a conflicting target as a draft PR instead of waiting for --continue", async () => {
    fx.git("switch", "-q", "release-2");
    fx.commit("release-2: its own token check", { "src/auth.js": "export function check(t) { return t.valid === true; }\n" });
    fx.git("switch", "-q", "main");
    fx.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/fix/x", "fix/x");
    const n = await merged(fx.git("rev-parse", "HEAD"), { labels: ["backport all-supported"] });
    const r = await firebreak(fx.work, ["backport", "--pr", String(n), "-t", "ENG-9", "--draft-conflicts"], {
      env: { GITHUB_TOKEN: "ghs_cli" },
    });
    expect(r.code, r.stdout + r.stderr).toBe(6);
    expect(gh.errors).toEqual([]);
    const draft = [...gh.state.pulls.values()].find((p) => (p.base as Json).ref === "release-2")!;
    expect(draft.draft).toBe(true);
    expect((draft.labels as Json[]).map((l) => l.name)).toContain("backport-failed");
    expect(String(draft.body)).toContain("- `src/auth.js`");
    expect(r.stdout).toContain(`Conflict on release-2: opened as draft PR #${draft.number}`);
    expect(r.stdout).toContain("Next: resolve each draft PR as its body says");
    const done = [...gh.state.pulls.values()].find((p) => (p.base as Json).ref === "release-1")!;
    expect(done.draft).toBe(false);
  });
});

// firebreak backport [--to a,b] [--plan | --continue | --abort] [-t TICKET] [--commit <sha>]:
// carries the incident's fix (or the commits given) to each target branch without a checkout,
// pushes backport/<short>/hotfix-<TICKET> and opens a PR per target. Targets are independent; the
// table at the end says what happened to each, and the exit code is 0 only when all have the fix.

import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import type { Incident } from "../../domain/types.js";
import type { Output } from "../output.js";
import type { Store } from "../../ports.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { createForge } from "../../adapters/forge/create.js";
import { assertSafeRef, assertSafeRev } from "../../adapters/git/safety.js";
import { E, EXIT, isFirebreakError } from "../../errors.js";
import { splitList } from "../format.js";
import { readConflictState } from "../../backport/engine.js";
import { fixCommitsOf } from "../../backport/fix-commits.js";
import { OfflineBackportPrs } from "../../backport/offline-pr.js";
import { defaultShort, resolveTargets, suggestTargets } from "../../backport/targets.js";
import { abortBackports, continueBackports, planBackport, runBackport, type BackportDeps, type BackportRequest, type TargetOutcome } from "../../workflow/backport.js";
import type { PlanRow } from "../../backport/engine.js";

const list = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((x) => splitList(x)) : splitList(v));

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const modes = (["plan", "continue", "abort"] as const).filter((m) => opts[m]);
  if (modes.length > 1) throw E.usage(`--${modes.join(" and --")} cannot be used together.`, "firebreak backport --plan");
  const mode = modes[0] ?? "run";
  // Hostile values are refused before anything runs: no store, no fetch, no git.
  const to = opts.to === undefined ? undefined : list(opts.to);
  for (const name of to ?? []) await assertSafeRef(name, "--to branch");
  const commits = list(opts.commit);
  for (const c of commits) assertSafeRev(c, "--commit");
  const ticketFlag = typeof opts.ticket === "string" ? opts.ticket : undefined;

  const root = await app.repoRoot();
  const config = await app.config();
  const store = await app.store();
  const incident = await findIncident(app, ticketFlag, commits.length > 0 || mode === "continue" || mode === "abort");
  const remote = incident?.remote ?? config.production.remote;

  // Without an incident, --continue and --abort learn the ticket and commits from the pending conflict.
  const configured = (config.backport.targets ?? []) as { branch: string; short?: string }[];
  const pending = incident || commits.length > 0 ? null : await anyPending(root, configured, to);
  const ticket = incident?.ticket ?? ticketFlag ?? pending?.ticket ?? (commits.length > 0 ? await shortSha(app, commits[0] as string) : undefined);
  if (ticket === undefined)
    throw E.usage("Nothing to backport: no incident here and no --commit.", "firebreak backport --commit <sha> --to develop   # or: firebreak backport -t ENG-1234");
  const targets = await resolveTargets(configured, to, ticket, async () => suggestTargets(await app.git.remoteBranches(remote), [incident?.base ?? config.production.branch]));

  await fetchAll(app, out, remote, [...targets.map((t) => t.branch), ...(incident ? [incident.base, incident.branch] : [])]);
  const fixCommits =
    commits.length > 0
      ? await Promise.all(commits.map((c) => app.git.revParse(c)))
      : pending
        ? pending.fixCommits
        : incident
          ? await incidentFix(out, root, store, incident)
          : [];

  const deps: BackportDeps = {
    cwd: root,
    git: app.git,
    forge: config.forge.type === "github" ? await createForge({ config, git: app.git, store, clock: app.clock, actor: await app.actor(), env: app.env, log: (l) => out.info(l) }) : new OfflineBackportPrs({ cwd: root, store }),
    remote,
    journal: incident ? { ...(await app.effectDeps()), incident } : null,
    repoRoot: root,
    progress: (m) => out.info(m),
  };
  const req: BackportRequest = { ticket, targets, fixCommits };

  if (mode === "plan") return printPlan(out, ticket, await planBackport(deps, req));
  if (mode === "abort") {
    const aborted = await abortBackports(deps, targets);
    out.data({ ticket, aborted: aborted.map((t) => t.branch) });
    if (aborted.length === 0) out.line(`No backport of ${ticket} is waiting for a resolution${to ? ` on ${to.join(", ")}` : ""}; nothing to abort.`);
    else out.success(`Aborted the backport of ${ticket} to ${aborted.map((t) => t.branch).join(", ")}: worktree, conflict state and local branch removed.`);
    out.next(aborted.length > 0 ? "firebreak backport --plan   # or resolve by hand and open the PR yourself" : "firebreak backport --plan");
    return EXIT.ok;
  }
  if (fixCommits.length === 0) throw E.usage("No fix commits to backport.", "firebreak backport --commit <sha> --to develop");
  if (mode === "continue") {
    const { continued, outcomes } = await continueBackports(deps, req);
    if (continued.length > 0) out.success(`Resolution committed for ${continued.join(", ")}.`);
    else out.info(`No target was waiting for --continue; ran the backport as usual.`);
    return printOutcomes(out, ticket, incident, fixCommits, outcomes);
  }
  return printOutcomes(out, ticket, incident, fixCommits, await runBackport(deps, req));
}

/** With --commit (or continuing/aborting), an incident only when named or checked out: never "the only one in progress". */
async function findIncident(app: App, ticket: string | undefined, optional: boolean): Promise<Incident | null> {
  if (!optional) return resolveIncident(app, ticket);
  const store = await app.store();
  if (ticket) return (await store.findByTicket(ticket)) ?? null;
  const branch = await app.git.currentBranch();
  const onBranch = branch ? await store.findByBranch(branch) : undefined;
  if (onBranch) return onBranch;
  try {
    return await resolveIncident(app);
  } catch (e) {
    if (isFirebreakError(e) && (e.code === "NO_INCIDENT" || e.code === "WHICH_INCIDENT")) return null;
    throw e;
  }
}

async function anyPending(root: string, configured: { branch: string; short?: string }[], to: string[] | undefined) {
  const names = to ?? configured.map((t) => t.branch);
  for (const name of names) {
    const c = configured.find((t) => t.branch === name || t.short === name);
    const state = await readConflictState(root, c?.short ?? defaultShort(name));
    if (state) return state;
  }
  return null;
}

async function incidentFix(out: Output, root: string, store: Store, incident: Incident): Promise<string[]> {
  const found = await fixCommitsOf(root, store, incident);
  out.info(`The fix: ${found.commits.length} commit${found.commits.length === 1 ? "" : "s"} from ${found.from}.`);
  return found.commits;
}

const shortSha = async (app: App, rev: string) => (await app.git.revParse(rev)).slice(0, 12);

/** Fetches the branches that exist on the remote; a missing target is reported by the engine. */
async function fetchAll(app: App, out: Output, remote: string, branches: string[]): Promise<void> {
  const unique = [...new Set(branches)];
  out.info(`Fetching ${unique.join(", ")} from ${remote}…`);
  try {
    await app.git.fetch(remote, unique);
  } catch {
    for (const b of unique) await app.git.fetch(remote, [b]).catch(() => undefined);
  }
}

// --- output ---------------------------------------------------------------------------------

function table(out: Output, rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  rows.forEach((r, n) => {
    const line = r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
    out.line(`  ${n === 0 ? out.dim(line) : line}`);
  });
}

const STATE: Record<TargetOutcome["status"], string> = { done: "done", "already-contains": "already contains", conflicted: "conflicted", failed: "failed" };

function detail(r: TargetOutcome): string {
  switch (r.status) {
    case "done":
      return r.pr ? `PR #${r.pr.number} ${r.pr.url}` : r.branch;
    case "already-contains":
      return r.reason ?? "the fix is already on this branch";
    case "conflicted":
      return (r.files ?? []).join(", ");
    default:
      return r.reason ?? "unknown reason";
  }
}

export function exitFor(outcomes: readonly Pick<TargetOutcome, "status">[]): number {
  if (outcomes.some((r) => r.status === "conflicted")) return EXIT.conflict;
  if (outcomes.some((r) => r.status === "failed")) return EXIT.external;
  return EXIT.ok;
}

function printOutcomes(out: Output, ticket: string, incident: Incident | null, fixCommits: string[], outcomes: TargetOutcome[]): number {
  const code = exitFor(outcomes);
  out.data({ ticket, incident: incident?.id ?? null, fixCommits, targets: outcomes, exit: code });
  const ok = outcomes.filter((r) => r.status === "done" || r.status === "already-contains").length;
  const head = `Backport of ${ticket} (${fixCommits.length} commit${fixCommits.length === 1 ? "" : "s"}): ${ok} of ${outcomes.length} target${outcomes.length === 1 ? "" : "s"} have the fix.`;
  if (code === EXIT.ok) out.success(head);
  else out.line(`${out.red("✖")} ${head}`);
  table(out, [["target", "state", "detail"], ...outcomes.map((r) => [r.target.branch, STATE[r.status], detail(r)])]);
  for (const r of outcomes.filter((x) => x.status === "conflicted")) {
    out.line("");
    out.line(`${out.yellow("Conflict")} on ${r.target.branch}${r.reason ? ` (${r.reason})` : ""}. To resolve it:`);
    for (const step of r.instructions ?? []) out.line(`  ${step}`);
  }
  out.line("");
  if (outcomes.some((r) => r.status === "conflicted")) out.next("resolve the files above, then: firebreak backport --continue   (a file with conflict markers is never committed)");
  else if (code !== EXIT.ok) out.next("fix the cause above, then run: firebreak backport   (targets already done are skipped)");
  else out.next(incident ? `review and merge the backport PRs; then: firebreak status ${incident.ticket}` : "review and merge the backport PRs");
  return code;
}

const PLAN_TEXT: Record<PlanRow["status"], string> = {
  "needs-backport": "needs the fix",
  "already-contains": "already contains the fix",
  done: "backport branch ready",
  conflicted: "conflicted, waiting for --continue",
  "missing-target": "branch not found",
};

function printPlan(out: Output, ticket: string, rows: PlanRow[]): number {
  out.data({ ticket, plan: rows });
  out.line(`Plan for the backport of ${ticket}: nothing has been changed.`);
  table(out, [
    ["target", "state", "branch"],
    ...rows.map((r) => [r.target.branch, PLAN_TEXT[r.status] + (r.status === "needs-backport" ? ` (${r.missing.length} commit${r.missing.length === 1 ? "" : "s"})` : ""), r.branch]),
  ]);
  out.line("");
  const todo = rows.filter((r) => r.status === "needs-backport" || r.status === "done").map((r) => r.target.branch);
  out.next(todo.length > 0 ? `firebreak backport --to ${todo.join(",")}` : rows.some((r) => r.status === "conflicted") ? "firebreak backport --continue" : `firebreak status${ticket ? ` ${ticket}` : ""}`);
  return EXIT.ok;
}

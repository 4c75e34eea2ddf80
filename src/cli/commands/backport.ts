// firebreak backport [--to a,b] [--plan | --continue | --abort] [-t TICKET] [--commit <sha>]:
// carries the incident's fix (or the commits given) to each target branch without a checkout,
// pushes backport/<short>/hotfix-<TICKET> and opens a PR per target. Targets are independent; the
// table at the end says what happened to each, and the exit code is 0 only when all have the fix.

import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import type { Incident } from "../../domain/types.js";
import type { Output } from "../output.js";
import type { Store } from "../../ports.js";
import type { Config } from "../../config/schema.js";
import { existsSync, realpathSync } from "node:fs";
import { resolveIncident } from "../../app/resolve-incident.js";
import { Git } from "../../adapters/git/git.js";
import { assertSafeRef, assertSafeRev } from "../../adapters/git/safety.js";
import { backportBranch } from "../../domain/naming.js";
import { E, EXIT, isFirebreakError } from "../../errors.js";
import { splitList } from "../format.js";
import { listConflictStates, readConflictState } from "../../backport/engine.js";
import { isInside, type ConflictState } from "../../backport/conflict.js";
import { fixCommitsOf } from "../../backport/fix-commits.js";
import { OfflineBackportPrs } from "../../backport/offline-pr.js";
import { backportRoot } from "../../backport/repo-root.js";
import { branchFacts } from "../../backport/suggest.js";
import { defaultShort, resolveTargets, suggestTargets } from "../../backport/targets.js";
import { acquireLocks, takenOverRuns, type HeldLock } from "../../ship/lock.js";
import {
  abortBackports,
  continueBackports,
  planBackport,
  runBackport,
  type BackportDeps,
  type BackportRequest,
  type TargetOutcome,
} from "../../workflow/backport.js";
import type { PlanRow } from "../../backport/engine.js";
import { finishPrTargets, prBackport, type PrBackport } from "./backport-pr.js";
import { overall, type TargetReport } from "../../workflow/backport-pr.js";

const list = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((x) => splitList(x)) : splitList(v));

/** The flags that name this backport, so every `Next:` runs as printed from any folder. */
interface Again {
  to?: string[] | undefined;
  commits: string[];
  ticket?: string | undefined;
}

function again(mode: "" | "--continue" | "--abort" | "--plan", a: Again, to = a.to): string {
  return [
    "firebreak backport",
    mode,
    to && to.length > 0 ? `--to ${to.join(",")}` : "",
    ...a.commits.map((c) => `--commit ${c}`),
    a.ticket ? `-t ${a.ticket}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const modes = (["plan", "continue", "abort"] as const).filter((m) => opts[m]);
  if (modes.length > 1) throw E.usage(`--${modes.join(" and --")} cannot be used together.`, "firebreak backport --plan");
  const mode = modes[0] ?? "run";
  const force = opts.force === true;
  if (force && mode !== "abort")
    throw E.usage("--force goes with --abort only (to drop a resolved commit).", "firebreak backport --abort --force");
  // Hostile values are refused before anything runs: no store, no fetch, no git.
  let to = opts.to === undefined ? undefined : list(opts.to);
  for (const name of to ?? []) await assertSafeRef(name, "--to branch");
  const commits = list(opts.commit);
  for (const c of commits) assertSafeRev(c, "--commit");
  const ticketFlag = typeof opts.ticket === "string" ? opts.ticket : undefined;

  // Any folder of the repository works, the conflict worktree included: git runs in `root`.
  const here = realCwd(app.cwd);
  const { root, main, inConflictWorktree } = await backportRoot(await app.repoRoot());
  const config = await configFor(app, root, main, inConflictWorktree);
  const git = root === app.cwd ? app.git : new Git(root);
  const store = await app.store();
  const userCommits = await Promise.all(commits.map((c) => app.git.revParse(c)));
  const configured = (config.backport.targets ?? []) as { branch: string; short?: string }[];
  // --pr N: the commits that merged pull request landed, as if each were given with --commit;
  // without --to, the branches its `backport <branch>` labels ask for.
  const pr: PrBackport | null = opts.pr === undefined ? null : await prBackport(app, out, config.production.remote, opts.pr, configured);
  if (pr) userCommits.push(...pr.landed.commits);
  if (pr && to === undefined && pr.labelled.length > 0) {
    for (const name of pr.labelled) await assertSafeRef(name, `label "backport ${name}" on #${pr.number}`);
    to = pr.labelled;
  }

  // A backport waiting for --continue or --abort says which one this is, wherever it is run.
  const settling = mode === "continue" || mode === "abort";
  const states =
    settling && commits.length === 0
      ? (await listConflictStates(root)).filter((s) => ticketFlag === undefined || s.ticket === ticketFlag)
      : [];
  const inside = states.find((s) => isInside(here, s.worktree));
  let incident: Incident | null;
  let pending: ConflictState | null = null;
  if (ticketFlag === undefined && inside) {
    pending = inside;
    incident = (await store.findByTicket(inside.ticket)) ?? null;
  } else {
    incident = await findIncident(app, ticketFlag, commits.length > 0 || opts.pr !== undefined || settling);
    // Without an incident, --continue and --abort learn the ticket and commits from the pending conflict.
    if (!incident && commits.length === 0)
      pending = (await anyPending(root, configured, to, ticketFlag)) ?? (to === undefined ? (states[0] ?? null) : null);
  }
  const remote = incident?.remote ?? config.production.remote;
  const ticket = incident?.ticket ?? ticketFlag ?? pending?.ticket ?? (userCommits.length > 0 ? userCommits[0]!.slice(0, 12) : undefined);
  if (ticket === undefined)
    throw E.usage(
      "Nothing to backport: no incident here and no --commit.",
      "firebreak backport --commit <sha> --to develop   # or: firebreak backport -t ENG-1234",
    );

  // Targets waiting for a resolution count even when neither --to nor the config names them.
  const waiting = states.filter((s) => s.ticket === ticket).map((s) => s.target);
  const extra = waiting.filter((t) => !configured.some((c) => c.branch === t.branch));
  const names = to ?? (extra.length > 0 ? [...configured.map((c) => c.branch), ...extra.map((t) => t.branch)] : undefined);
  const base = incident?.base ?? config.production.branch;
  const targets = await resolveTargets(
    configured,
    names,
    ticket,
    async () => {
      const parent = await fixParent(root, store, incident, userCommits).catch(() => null);
      return suggestTargets(await branchFacts(root, remote, await git.remoteBranches(remote), parent), [base]);
    },
    (found) => again("--plan", { commits: userCommits, ticket: ticketFlag }, found),
  );
  const fromPending = incident === null && pending !== null && userCommits.length === 0;
  const next: Again = {
    to: names,
    commits: incident ? userCommits : userCommits.length > 0 ? userCommits : (pending?.fixCommits ?? []),
    ticket: ticketFlag ?? (incident === null || inside !== undefined || fromPending ? ticket : undefined),
  };

  // One run per incident (or per fix commit on its own) and per target: two at once would pick,
  // push and number PRs over each other.
  const lock =
    mode === "plan"
      ? null
      : await takeLock(
          app,
          out,
          [
            `backport-${incident ? incident.ticket : (userCommits[0] ?? pending?.fixCommits[0] ?? ticket)}`,
            ...targets.map((t) => `backport-target-${t.short}`),
          ],
          ticket,
        );
  try {
    await fetchAll(git, out, remote, [...targets.map((t) => t.branch), ...(incident ? [incident.base, incident.branch] : [])]);
    const fixCommits =
      userCommits.length > 0 ? userCommits : pending ? pending.fixCommits : incident ? await incidentFix(out, root, store, incident) : [];

    const deps: BackportDeps = {
      cwd: root,
      git,
      // The plain git forge has no pull requests to open: the backport's PR is kept on the record.
      forge:
        config.forge.type === "git"
          ? new OfflineBackportPrs({ cwd: root, store })
          : await app.adapters.forge({ git, log: (l) => out.info(l) }),
      remote,
      journal: incident ? { ...(await app.effectDeps()), incident } : null,
      repoRoot: root,
      progress: (m) => out.info(m),
    };
    const req: BackportRequest = { ticket, targets, fixCommits };

    if (mode === "plan") return printPlan(out, ticket, await planBackport(deps, req), next);
    if (mode === "abort") {
      const { aborted, dropped } = await abortBackports(deps, targets, force, (to) => ({
        keep: again("--continue", next, to),
        drop: `${again("--abort", next, to)} --force`,
      }));
      out.data({ ticket, aborted: aborted.map((t) => t.branch), dropped });
      if (aborted.length === 0)
        out.line(`No backport of ${ticket} is waiting for a resolution${to ? ` on ${to.join(", ")}` : ""}; nothing to abort.`);
      else
        out.success(
          `Aborted the backport of ${ticket} to ${aborted.map((t) => t.branch).join(", ")}: worktree, conflict state and local branch removed.`,
        );
      for (const d of dropped) {
        const short = targets.find((t) => t.branch === d.target)?.short ?? defaultShort(d.target);
        out.line(
          `  Dropped the resolved commit ${d.sha.slice(0, 12)} for ${d.target} (from ${d.where}); to get it back while git still keeps it: git branch ${backportBranch(short, ticket)} ${d.sha}`,
        );
      }
      leftFolder(out, here, root);
      out.next(
        fixCommits.length > 0 ? `${again("--plan", next)}   # or resolve by hand and open the PR yourself` : "firebreak backport --plan",
      );
      return EXIT.ok;
    }
    if (fixCommits.length === 0) throw E.usage("No fix commits to backport.", "firebreak backport --commit <sha> --to develop");
    if (mode === "continue") {
      const report = await continueBackports(deps, req);
      if (report.waiting.length === 0) out.info(`No target was waiting for --continue; ran the backport as usual.`);
      if (report.continued.length > 0) out.success(`Resolution committed for ${report.continued.join(", ")}.`);
      for (const m of report.markers)
        out.line(
          `${out.yellow("!")} ${m.target}: ${m.lines.length} line${m.lines.length === 1 ? " still holds" : "s still hold"} conflict markers (${m.lines.join(", ")}); nothing was committed.`,
        );
      leftFolder(out, here, root);
      return printOutcomes(out, ticket, incident, fixCommits, report.outcomes, next);
    }
    const outcomes = await runBackport(deps, req);
    // In CI nobody is at a terminal to --continue: --draft-conflicts opens each conflict as a draft PR.
    const reports = pr ? await finishPrTargets(app, out, remote, pr, outcomes, opts.draftConflicts === true ? "draft" : "local") : null;
    return printOutcomes(out, ticket, incident, fixCommits, outcomes, next, reports);
  } finally {
    await lock?.release();
  }
}

function realCwd(cwd: string): string {
  try {
    return realpathSync(cwd);
  } catch {
    return cwd;
  }
}

/** The folder the person ran this in was a worktree that is now removed: say where to go. */
function leftFolder(out: Output, here: string, root: string): void {
  if (existsSync(here)) return;
  out.line(`The worktree you ran this in (${here}) is removed now; your shell is still there: cd ${JSON.stringify(root)}`);
}

/** The configuration of the folder the person is in, else of the main worktree (a target's checkout has none of its own). */
async function configFor(app: App, root: string, main: string, inConflictWorktree: boolean): Promise<Config> {
  const { loadConfig } = await import("../../config/load.js");
  const loaded = inConflictWorktree ? await loadConfig(root) : await app.loadConfig();
  if (loaded.file !== null || main === root) return loaded.config;
  return (await loadConfig(main)).config;
}

async function takeLock(app: App, out: Output, names: string[], ticket: string): Promise<HeldLock> {
  // The locks are leases in the store, shared by every clone and worktree that uses it.
  const held = await acquireLocks(await app.store(), names, { actor: await app.actor(), command: "backport", ticket }, app.clock.now());
  for (const l of takenOverRuns(held.tookOver))
    out.info(
      `Took over the lock${l.names.length > 1 ? "s" : ""} ${l.names.join(", ")} of a firebreak ${l.command} that is gone (pid ${l.pid} on ${l.host}).`,
    );
  return held;
}

/** The commit the fix was made on, to rank suggested targets; null when it cannot be told. */
async function fixParent(root: string, store: Store, incident: Incident | null, commits: string[]): Promise<string | null> {
  const first = commits[0] ?? (incident ? (await fixCommitsOf(root, store, incident)).commits[0] : undefined);
  return first === undefined ? null : new Git(root).revParse(`${first}^`);
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

async function anyPending(
  root: string,
  configured: { branch: string; short?: string }[],
  to: string[] | undefined,
  ticket: string | undefined,
) {
  const names = to ?? configured.map((t) => t.branch);
  for (const name of names) {
    const c = configured.find((t) => t.branch === name || t.short === name);
    const state = await readConflictState(root, c?.short ?? defaultShort(name));
    if (state && (ticket === undefined || state.ticket === ticket)) return state;
  }
  return null;
}

async function incidentFix(out: Output, root: string, store: Store, incident: Incident): Promise<string[]> {
  const found = await fixCommitsOf(root, store, incident);
  out.info(`The fix: ${found.commits.length} commit${found.commits.length === 1 ? "" : "s"} from ${found.from}.`);
  return found.commits;
}

/** Fetches the branches that exist on the remote; a missing target is reported by the engine. */
async function fetchAll(git: Git, out: Output, remote: string, branches: string[]): Promise<void> {
  const unique = [...new Set(branches)];
  out.info(`Fetching ${unique.join(", ")} from ${remote}…`);
  try {
    await git.fetch(remote, unique);
  } catch {
    for (const b of unique) await git.fetch(remote, [b]).catch(() => undefined);
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

const STATE: Record<TargetOutcome["status"], string> = {
  done: "done",
  "already-contains": "already contains",
  conflicted: "conflicted",
  failed: "failed",
};

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
  return overall(outcomes).exit;
}

function printOutcomes(
  out: Output,
  ticket: string,
  incident: Incident | null,
  fixCommits: string[],
  outcomes: TargetOutcome[],
  next: Again,
  reports: TargetReport[] | null = null,
): number {
  const code = exitFor(outcomes);
  out.data({ ticket, incident: incident?.id ?? null, fixCommits, targets: outcomes, ...(reports ? { reports } : {}), exit: code });
  const ok = outcomes.filter((r) => r.status === "done" || r.status === "already-contains").length;
  const head = `Backport of ${ticket} (${fixCommits.length} commit${fixCommits.length === 1 ? "" : "s"}): ${ok} of ${outcomes.length} target${outcomes.length === 1 ? "" : "s"} have the fix.`;
  if (code === EXIT.ok) out.success(head);
  else out.line(`${out.red("✖")} ${head}`);
  table(out, [["target", "state", "detail"], ...outcomes.map((r) => [r.target.branch, STATE[r.status], detail(r)])]);
  for (const r of outcomes.filter((x) => x.status === "conflicted")) {
    const draft = reports?.find((p) => p.target === r.target.branch && p.draft);
    out.line("");
    if (draft) {
      out.line(
        `${out.yellow("Conflict")} on ${r.target.branch}: opened as draft PR #${draft.pr} ${draft.url ?? ""} with the markers, labelled backport-failed; its body says how to finish it.`,
      );
      continue;
    }
    out.line(`${out.yellow("Conflict")} on ${r.target.branch}${r.reason ? ` (${r.reason})` : ""}. To resolve it:`);
    for (const step of r.instructions ?? []) out.line(`  ${step}`);
  }
  out.line("");
  if (
    outcomes.some((r) => r.status === "conflicted") &&
    reports?.some((p) => p.draft) &&
    !reports.some((p) => p.status === "conflicted" && !p.draft)
  )
    out.next("resolve each draft PR as its body says, then mark it ready for review");
  else if (outcomes.some((r) => r.status === "conflicted"))
    out.next(`${again("--continue", next)}   # after resolving the files above; a file with conflict markers is never committed`);
  else if (code !== EXIT.ok) out.next(`${again("", next)}   # after fixing the cause above; targets already done are skipped`);
  else
    out.next(
      incident
        ? `firebreak status ${incident.ticket}   # once the backport PRs are reviewed and merged`
        : "review and merge the backport PRs",
    );
  return code;
}

const PLAN_TEXT: Record<PlanRow["status"], string> = {
  "needs-backport": "needs the fix",
  "already-contains": "already contains the fix",
  done: "backport branch ready",
  conflicted: "conflicted, waiting for --continue",
  "missing-target": "branch not found",
};

function printPlan(out: Output, ticket: string, rows: PlanRow[], next: Again): number {
  out.data({ ticket, plan: rows });
  out.line(`Plan for the backport of ${ticket}: nothing has been changed.`);
  table(out, [
    ["target", "state", "branch"],
    ...rows.map((r) => [
      r.target.branch,
      PLAN_TEXT[r.status] + (r.status === "needs-backport" ? ` (${r.missing.length} commit${r.missing.length === 1 ? "" : "s"})` : ""),
      r.branch,
    ]),
  ]);
  out.line("");
  const todo = rows.filter((r) => r.status === "needs-backport" || r.status === "done").map((r) => r.target.branch);
  out.next(
    todo.length > 0
      ? again("", next, todo)
      : rows.some((r) => r.status === "conflicted")
        ? again("--continue", next)
        : next.commits.length > 0
          ? "review and merge the backport PRs"
          : `firebreak status ${ticket}`,
  );
  return EXIT.ok;
}

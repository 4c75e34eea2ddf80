// Starting an incident: plan (everything that can fail, nothing written), then apply (fetch,
// record, branch, publish). Each durable step is an effect, so an interrupted start resumes
// where it stopped instead of refusing or doing anything twice.

import type { WorkflowDeps } from "./deps.js";
import type { Config } from "../config/schema.js";
import type { Incident, Priority } from "../domain/types.js";
import { hotfixBranch, privateHotfixBranch, validateTicket } from "../domain/naming.js";
import { isPrivate } from "../domain/access.js";
import { parsePriority, LEVELS } from "../domain/levels.js";
import { criterionIds, triage } from "../domain/triage.js";
import { computeDeadline, parseDiscovered } from "../domain/deadline.js";
import { assertSafeRef } from "../adapters/git/safety.js";
import { E, FirebreakError } from "../errors.js";
import { CONFIG_FILE } from "../config/schema.js";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { effect } from "./effect.js";

export interface StartRequest {
  ticket?: string;
  title?: string;
  priority?: string;
  criteria: string[];
  discovered?: string;
  base?: string;
  push: boolean;
  /** Commit the local .firebreak.yml onto the hotfix branch when production on the remote lacks it. */
  carryConfig?: boolean;
}

export interface StartPlan {
  ticket: string;
  title: string;
  priority: Priority;
  criteria: string[];
  discoveredAt: Date;
  deadlineAt: Date;
  remote: string;
  base: string;
  branch: string;
  push: boolean;
  carryConfig: boolean;
  /** Set when an earlier start of this ticket stopped part-way: apply() finishes it. */
  resume: Incident | null;
  warnings: string[];
}

export const MAX_TITLE = 200;

// Characters nobody sees but that change what is read: direction overrides and isolates (an RTL
// override makes "txt.exe" read as "exe.txt"), zero-width marks, C1 controls. They are removed
// from a title before it reaches branch names, tags, commit messages and announcements.
const UNSEEN = /[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** A title is people's text: kept as typed, but on one line, without unseen characters. */
export function cleanTitle(raw: string): string {
  return raw
    .replace(UNSEEN, "")
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The unseen characters a title holds, as U+XXXX, to say what was removed. */
export const unseenIn = (raw: string): string[] =>
  [...new Set(raw.match(UNSEEN) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);

export async function planStart(app: WorkflowDeps, req: StartRequest): Promise<StartPlan> {
  const config: Config = await app.config();
  if (!req.ticket) throw E.missingInput("<ticket> (e.g. ENG-1234)", "The ticket id");
  validateTicket(req.ticket, config.ticket.pattern);
  const title = cleanTitle(req.title ?? "");
  if (!title)
    throw E.usage(
      "A title is required: what is broken, in a few words.",
      `firebreak start ${req.ticket} "Fix auth bypass on expired tokens" --priority P1`,
    );
  if (title.length > MAX_TITLE)
    throw E.usage(
      `The title is ${title.length} characters; the limit is ${MAX_TITLE}: it becomes the branch name, the tag's message and every announcement's headline.`,
      `firebreak start ${req.ticket} "<what is broken, in a few words>" --priority P1   # put the details in: firebreak note "…"`,
    );

  const warnings: string[] = [];
  const unseen = unseenIn(req.title ?? "");
  if (unseen.length)
    warnings.push(
      `Removed ${unseen.join(", ")} from the title: invisible or direction-changing characters would make tags, commit messages and announcements read differently from what they hold.`,
    );
  // Kept as triage reads them, so "Data-Exposure" makes the incident private like "data-exposure".
  const criteria = criterionIds(req.criteria);
  let priority: Priority;
  if (criteria.length > 0) {
    const t = triage({ criteria, productionBroken: true });
    if (t.kind !== "emergency") throw E.usage("Those criteria do not make an emergency.", "firebreak triage --list");
    priority = req.priority ? parsePriority(req.priority) : t.priority;
    if (req.priority && priority > t.priority)
      warnings.push(`--priority ${priority} is less urgent than the criteria say (${t.priority}); keeping ${priority} as you asked.`);
  } else if (req.priority) {
    priority = parsePriority(req.priority);
  } else {
    throw E.missingInput("--priority P0|P1|P2|P3 or --criteria <ids>", "The priority");
  }

  const now = app.clock.now();
  const cal = config.calendar;
  const discoveredAt = req.discovered ? parseDiscovered(req.discovered, now, cal.timeZone) : now;
  const deadlineAt = computeDeadline(priority, discoveredAt, { timeZone: cal.timeZone, workDays: cal.workDays, holidays: cal.holidays });

  const remote = config.production.remote;
  const base = req.base ?? config.production.branch;
  // The configured branch passed the config's own check; a refused --base gets the form that works.
  await assertSafeRef(
    base,
    "--base branch",
    `firebreak start ${req.ticket} "<title>" --priority ${priority} --base ${config.production.branch}   # the plain name of a branch on ${remote}; list them: git ls-remote --heads ${remote}`,
  );
  // A private incident (auth-bypass, data-exposure) keeps its title off the branch, on a clone's own
  // record too: the branch is pushed where everyone with the repository reads it.
  const fresh = isPrivate({ criteria }) ? privateHotfixBranch(req.ticket, randomBytes(4).toString("hex")) : hotfixBranch(req.ticket, title);
  await assertSafeRef(fresh);

  const store = await app.store();
  const active = await store.findActiveByTicket(req.ticket);
  const branch = active?.branch ?? fresh;
  let resume: Incident | null = null;
  if (active) {
    const branchDone = (await store.getEffect(active.id, `git.branch:${active.branch}`))?.state === "done";
    const pushDone = !req.push || (await store.getEffect(active.id, `git.push:${active.branch}`))?.state === "done";
    if (branchDone && pushDone) throw E.ticketInProgress(active.ticket, active.branch, active.createdAt);
    resume = active;
  }
  if (!resume || (await store.getEffect(resume.id, `git.branch:${resume.branch}`))?.state !== "done") {
    const dirty = await app.git.statusPorcelain();
    if (dirty.length > 0) throw E.dirtyTree(dirty);
  }
  return {
    ticket: req.ticket,
    title,
    priority,
    criteria,
    discoveredAt,
    deadlineAt,
    remote,
    base,
    branch,
    push: req.push,
    carryConfig: Boolean(req.carryConfig),
    resume,
    warnings,
  };
}

export async function applyStart(app: WorkflowDeps, plan: StartPlan, progress: (msg: string) => void): Promise<Incident> {
  const store = await app.store();
  const deps = await app.effectDeps();
  const { remote, base } = plan;

  progress(`Fetching ${remote}/${base}…`);
  await app.git.fetch(remote, [base]);
  const startPoint = `refs/remotes/${remote}/${base}`;
  if (!(await app.git.refExists(startPoint))) throw E.unknownBase(remote, base);

  // The hotfix branch starts from production on the remote: a config committed only here would vanish.
  const carried = plan.resume ? null : await configOnlyHere(app, remote, base);
  if (carried && !plan.carryConfig) throw configNotOnProduction(app, plan, carried.why, await app.git.currentBranch());

  const incident =
    plan.resume ??
    (await store.createIncident(
      {
        ticket: plan.ticket,
        title: plan.title,
        priority: plan.priority,
        criteria: plan.criteria,
        discoveredAt: plan.discoveredAt.toISOString(),
        deadlineAt: plan.deadlineAt.toISOString(),
        branch: plan.branch,
        base,
        remote,
      },
      {
        at: deps.clock.now().toISOString(),
        actor: deps.actor,
        kind: "incident.started",
        data: {
          priority: plan.priority,
          criteria: plan.criteria,
          discoveredAt: plan.discoveredAt.toISOString(),
          deadlineAt: plan.deadlineAt.toISOString(),
          level: LEVELS[plan.priority].kind,
        },
      },
    ));
  const branch = incident.branch;

  await effect(deps, incident.id, `git.branch:${branch}`, {
    kind: "branch.created",
    intent: { branch, from: `${remote}/${base}` },
    reconcile: async () => {
      if (!(await app.git.refExists(`refs/heads/${branch}`))) return null;
      if ((await app.git.currentBranch()) !== branch) await app.git.switchTo(branch);
      return { branch, sha: await app.git.revParse(`refs/heads/${branch}`) };
    },
    perform: async () => {
      progress(`Creating ${branch} from ${remote}/${base}…`);
      await app.git.switchCreate(branch, startPoint);
      return { branch, sha: await app.git.headSha() };
    },
  });

  if (carried) {
    await effect(deps, incident.id, `git.carry-config:${branch}`, {
      kind: "config.carried",
      intent: { branch, file: CONFIG_FILE },
      reconcile: async () => {
        const r = await app.git.raw(["cat-file", "blob", `refs/heads/${branch}:${CONFIG_FILE}`]);
        return r.code === 0 && r.stdout === carried.text ? { branch, sha: await app.git.revParse(`refs/heads/${branch}`) } : null;
      },
      perform: async () => {
        progress(`Committing ${CONFIG_FILE} onto ${branch} (--carry-config)…`);
        await writeFile(join(await app.repoRoot(), CONFIG_FILE), carried.text);
        await app.git.git(["add", "--", CONFIG_FILE]);
        await app.git.git([
          "commit",
          "-q",
          "-m",
          `chore: Firebreak config (${CONFIG_FILE}), not on ${remote}/${base} yet`,
          "--",
          CONFIG_FILE,
        ]);
        return { branch, sha: await app.git.headSha() };
      },
    });
    // The guard leaves it out: it is the team's tooling, not part of the fix.
    await store.updateIncident(incident.id, { data: { carriedConfig: CONFIG_FILE } });
  }

  if (plan.push) {
    const sha = await app.git.revParse(`refs/heads/${branch}`);
    await effect(deps, incident.id, `git.push:${branch}`, {
      kind: "branch.pushed",
      intent: { remote, branch, sha },
      reconcile: async () => ((await app.git.remoteBranchSha(remote, branch)) ? { remote, branch, sha } : null),
      perform: async () => {
        progress(`Publishing ${branch} to ${remote}…`);
        await app.git.pushBranch(remote, branch);
        return { remote, branch, sha };
      },
    });
    // Also after a re-run that found the push done: the branch tracks what was published.
    await app.git.setUpstream(remote, branch);
  }
  return (await store.getIncident(incident.id)) ?? incident;
}

/** The local .firebreak.yml when production on the remote lacks it or has another version. */
async function configOnlyHere(
  app: WorkflowDeps,
  remote: string,
  base: string,
): Promise<{ text: string; why: "missing" | "differs" } | null> {
  const loaded = await app.loadConfig();
  if (!loaded.file) return null;
  const text = await readFile(loaded.file, "utf8");
  const there = await app.git.raw(["cat-file", "blob", `refs/remotes/${remote}/${base}:${CONFIG_FILE}`]);
  if (there.code !== 0) return { text, why: "missing" };
  return there.stdout === text ? null : { text, why: "differs" };
}

function configNotOnProduction(app: WorkflowDeps, plan: StartPlan, why: "missing" | "differs", current: string | null): FirebreakError {
  const { remote, base } = plan;
  const push = current === base ? `git push ${remote} ${base}` : `git switch ${base} && git push ${remote} ${base}`;
  return new FirebreakError({
    code: "CONFIG_NOT_ON_PRODUCTION",
    message:
      why === "missing"
        ? `${CONFIG_FILE} is committed here but ${remote}/${base} does not have it; the hotfix branch starts from ${remote}/${base}, so it would lose the config.`
        : `${CONFIG_FILE} here differs from the one on ${remote}/${base}; the hotfix branch starts from ${remote}/${base} and would use that one.`,
    next: `${push}   # then the same firebreak start again; or carry it on the hotfix branch (a commit of its own, which the guard leaves out): add --carry-config`,
  });
}

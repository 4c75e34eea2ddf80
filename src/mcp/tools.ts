// The tools, in the order they are listed. Each calls an operation of the core (src/workflow) or a
// rule of the domain, with the agent as the actor; its annotations say what it really does
// (test/mcp/tools.test.ts checks them against the record).

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ServerNotification, ServerRequest, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { z } from "zod";
import { findIncident } from "../app/resolve-incident.js";
import { evaluateChecklist } from "../domain/checklist.js";
import { CRITERIA } from "../domain/criteria.js";
import { LEVELS, requirements } from "../domain/levels.js";
import { incidentState } from "../domain/state/state.js";
import { triage } from "../domain/triage.js";
import { PRIORITIES, type Incident } from "../domain/types.js";
import { event } from "../domain/events/index.js";
import { check } from "../workflow/check.js";
import { applyPullRequest, planPullRequest, recordApproval, type PrDeps } from "../workflow/pr.js";
import { applyCommit, missingAnswerError, planCommit } from "../workflow/commit.js";
import { refuseIfShipped } from "../workflow/shipped.js";
import { planShip, shipForge } from "../workflow/ship.js";
import { ship } from "../workflow/ship-run.js";
import { verify } from "../workflow/verify-run.js";
import { announceStage, previewStage, type Stage } from "../workflow/announce.js";
import { NOTIFY_CHANNELS, STAGES } from "../announce/stages.js";
import { planRollback, rollback } from "../workflow/rollback.js";
import type { RollbackStrategy } from "../ship/rollback-plan.js";
import { applyStart, planStart } from "../workflow/start.js";
import { waive, WAIVABLE } from "../workflow/waive.js";
import type { AgentApp } from "./agent-app.js";
import { applicablePlan, confirmPlan, makePlan, markApplied, type PlanDeps } from "../workflow/plans.js";
import { failed, ok } from "./result.js";
import { redact } from "../redact.js";
import type { Toolset } from "./toolsets.js";
import { FirebreakError } from "../errors.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolContext {
  app: AgentApp;
  server: McpServer;
}

export interface ToolDef {
  name: string;
  toolset: Toolset;
  title: string;
  description: string;
  /** Changes the record or the world: listed only when its toolset is allowed. */
  write: boolean;
  annotations: Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;
  input: z.ZodObject;
  output: z.ZodObject;
  /** Never throws: a refusal or failure is a result the agent reads. */
  run(ctx: ToolContext, args: unknown, extra: Extra): Promise<CallToolResult>;
}

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const APPEND = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;

const ticket = z.string().max(100).optional().describe("the incident's ticket; default: the checked-out hotfix branch's incident");

async function incidentFor(app: AgentApp, t: string | undefined): Promise<Incident> {
  const branch = !t && (await app.git.isRepo()) ? await app.git.currentBranch() : null;
  return findIncident(await app.store(), t, branch);
}

async function planDeps(app: AgentApp): Promise<PlanDeps> {
  const d = await app.effectDeps();
  return {
    store: d.store,
    clock: d.clock,
    actor: d.actor,
    actorKind: d.actorKind,
    head: (i) => app.git.revParse(`refs/heads/${i.branch}`).catch(() => null),
  };
}

async function prDeps(app: AgentApp): Promise<PrDeps> {
  return {
    ...(await app.effectDeps()),
    git: app.git,
    forge: await app.adapters.forge(),
    config: await app.config(),
    repoRoot: await app.repoRoot(),
  };
}

/** A tool whose body gets its input typed by its schema (the SDK has validated it). */
function tool<I extends z.ZodObject>(
  spec: Omit<ToolDef, "run" | "input"> & { input: I; run(ctx: ToolContext, args: z.output<I>, extra: Extra): Promise<CallToolResult> },
): ToolDef {
  return {
    ...spec,
    run: async (ctx, args, extra) => {
      try {
        return await spec.run(ctx, args as z.output<I>, extra);
      } catch (e) {
        return failed(e);
      }
    },
  };
}

const gateItem = z.object({ id: z.string(), label: z.string(), met: z.boolean(), waived: z.boolean(), detail: z.string() });

export const TOOLS: readonly ToolDef[] = [
  tool({
    name: "incident_triage",
    toolset: "incident",
    title: "Triage",
    description: `How urgent is it: the level (P0–P3) from triage criteria, and what that level requires. Criteria: ${CRITERIA.map((c) => c.id).join(", ")}.`,
    write: false,
    annotations: READ,
    input: z.object({
      criteria: z.array(z.string()).describe("triage criterion ids"),
      productionBroken: z.boolean().optional(),
      deadline: z.boolean().optional().describe("a business deadline is at stake"),
    }),
    output: z.object({
      emergency: z.boolean(),
      priority: z.enum(PRIORITIES).nullable(),
      decidedBy: z.array(z.string()),
      requirements: z.array(z.string()),
      next: z.string(),
    }),
    run: async (_ctx, args) => {
      const r = triage(args);
      if (r.kind === "not-emergency")
        return ok(`${r.message} ${r.next}`, { emergency: false, priority: null, decidedBy: [], requirements: [], next: r.next });
      const next = `incident_start with priority ${r.priority}`;
      return ok(`${r.priority} ${LEVELS[r.priority].kind}: respond within ${LEVELS[r.priority].respondWithinHours} hours. Next: ${next}.`, {
        emergency: true,
        priority: r.priority,
        decidedBy: r.decidedBy.map((c) => c.id),
        requirements: requirements(r.priority),
        next,
      });
    },
  }),
  tool({
    name: "incident_status",
    toolset: "incident",
    title: "Status",
    description: "The incident's level, deadline and checklist: what is done, what is next and the command for it.",
    write: false,
    annotations: READ,
    input: z.object({ ticket }),
    output: z.object({
      ticket: z.string(),
      title: z.string(),
      priority: z.enum(PRIORITIES),
      status: z.string(),
      branch: z.string(),
      deadlineAt: z.string(),
      events: z.number(),
      checklist: z.array(z.object({ id: z.string(), label: z.string(), state: z.string(), command: z.string() })),
      next: z.string().nullable(),
    }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const events = await (await app.store()).timeline(incident.id);
      const items = evaluateChecklist(incident.priority, incidentState(events)).filter((i) => i.state !== "not-needed");
      const next = items.find((i) => i.state === "next");
      return ok(
        `${incident.ticket} (${incident.priority}, ${incident.status}): ${next ? `next: ${next.item.label} (${next.item.command})` : "nothing left on the checklist"}.`,
        {
          ticket: incident.ticket,
          title: incident.title,
          priority: incident.priority,
          status: incident.status,
          branch: incident.branch,
          deadlineAt: incident.deadlineAt,
          events: events.length,
          checklist: items.map((i) => ({ id: i.item.id, label: i.item.label, state: i.state, command: i.item.command })),
          next: next?.item.command ?? null,
        },
      );
    },
  }),
  tool({
    name: "incident_start",
    toolset: "incident",
    title: "Start an incident",
    description: "Records the incident and creates and publishes its hotfix branch from the production branch.",
    write: true,
    annotations: { ...APPEND, openWorldHint: true },
    input: z.object({
      ticket: z.string().min(1).max(100),
      title: z.string().min(1).max(200),
      priority: z.enum(PRIORITIES).optional(),
      criteria: z.array(z.string()).optional(),
    }),
    output: z.object({ ticket: z.string(), priority: z.enum(PRIORITIES), branch: z.string(), deadlineAt: z.string() }),
    run: async ({ app }, args) => {
      const plan = await planStart(app, {
        ticket: args.ticket,
        title: args.title,
        priority: args.priority,
        criteria: args.criteria ?? [],
        push: true,
      });
      const incident = await applyStart(app, plan, () => undefined);
      return ok(
        `Started ${incident.ticket} (${incident.priority}) on ${incident.branch}. Next: make the fix with a regression test, then fix_check.`,
        {
          ticket: incident.ticket,
          priority: incident.priority,
          branch: incident.branch,
          deadlineAt: incident.deadlineAt,
        },
      );
    },
  }),
  tool({
    name: "incident_note",
    toolset: "incident",
    title: "Note",
    description: "Adds a note to the incident's timeline (what was found, what was tried).",
    write: true,
    annotations: APPEND,
    input: z.object({ text: z.string().min(1).max(2000), ticket }),
    output: z.object({ ticket: z.string(), seq: z.number(), at: z.string() }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const text = String(args.text).trim();
      const e = await (await app.store()).appendEvent(incident.id, {
        at: app.clock.now().toISOString(),
        actor: await app.actor(),
        ...event("note", { text, summary: text }),
      });
      return ok(`Noted on ${incident.ticket} (#${e.seq}).`, { ticket: incident.ticket, seq: e.seq, at: e.at });
    },
  }),
  tool({
    name: "fix_check",
    toolset: "fix",
    title: "Check the fix",
    description: "Runs the fix guard and the configured checks on the hotfix branch and records the result. Reports progress; cancellable.",
    write: true,
    annotations: APPEND,
    input: z.object({ ticket, only: z.array(z.string()).optional().describe("run only these checks (test, typecheck, build)") }),
    output: z.object({
      ok: z.boolean(),
      outcome: z.string(),
      passed: z.array(z.string()),
      failed: z.array(z.string()),
      missing: z.array(z.string()),
      skipped: z.array(z.string()),
    }),
    run: async ({ app }, args, extra) => {
      const incident = await incidentFor(app, args.ticket);
      const token = extra._meta?.progressToken;
      let progress = 0;
      // One notification as each check starts and ends; its output stays in its log, not in the agent's context.
      const r = await check(app, { incident, only: args.only, signal: extra.signal }, (e) => {
        if (token === undefined || e.type !== "check" || e.event.type === "output") return;
        progress += 1;
        const message = e.event.type === "start" ? `${e.event.name}: running` : `${e.event.result.name}: ${e.event.result.status}`;
        void extra
          .sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, message: redact(message) } })
          .catch(() => undefined);
      });
      if (r.kind !== "checks") {
        const blocked = r.kind === "guard-blocked";
        return ok(blocked ? "The fix guard blocked the change: read its findings with the CLI (firebreak check)." : "Guard only.", {
          ok: !blocked,
          outcome: r.kind,
          passed: [],
          failed: [],
          missing: [],
          skipped: [],
        });
      }
      return ok(
        r.ok
          ? `Checks passed on ${incident.ticket}: ${r.passed.join(", ")}.`
          : `Checks did not pass: failed ${r.failed.join(", ") || "none"}, missing ${r.missing.join(", ") || "none"}.`,
        {
          ok: r.ok,
          outcome: r.kind,
          passed: r.passed,
          failed: r.failed,
          missing: r.missing,
          skipped: r.skipped,
        },
      );
    },
  }),
  tool({
    name: "fix_commit",
    toolset: "fix",
    title: "Commit the fix",
    description: "Commits the staged fix with its message (what was broken, the root cause, the ticket's trailers) and records it.",
    write: true,
    annotations: APPEND,
    input: z.object({
      what: z.string().max(2000).optional().describe("what was broken, as users saw it (else the record's)"),
      rootCause: z.string().max(2000).optional(),
      brief: z.string().max(200).optional().describe("the subject after 'fix: ' (else the incident's title)"),
      ticket,
    }),
    output: z.object({ sha: z.string(), subject: z.string(), files: z.number(), testFiles: z.array(z.string()), adopted: z.boolean() }),
    run: async ({ app }, args) => {
      const plan = await planCommit(app, {
        incident: await incidentFor(app, args.ticket),
        what: args.what,
        rootCause: args.rootCause,
        brief: args.brief,
      });
      if (plan.kind === "commit" && plan.missing.length > 0) throw missingAnswerError(plan.missing[0]!);
      const r = await applyCommit(app, plan);
      return ok(`Committed ${r.commit.sha.slice(0, 10)}: ${r.subject}. Next: fix_pr_plan.`, {
        sha: r.commit.sha,
        subject: r.subject,
        files: r.commit.files.length,
        testFiles: r.commit.testFiles,
        adopted: r.adopted,
      });
    },
  }),
  tool({
    name: "fix_pr_plan",
    toolset: "fix",
    title: "Plan the pull request",
    description: "The pull request that would be opened or updated (title, labels, body), recorded as a plan with an id. Pushes nothing.",
    write: true,
    annotations: APPEND,
    input: z.object({ draft: z.boolean().optional(), reviewers: z.array(z.string().max(100)).max(20).optional(), ticket }),
    output: z.object({
      planId: z.string(),
      title: z.string(),
      head: z.string(),
      base: z.string(),
      labels: z.array(z.string()),
      body: z.string(),
    }),
    run: async ({ app }, args) => {
      const incident = await refuseIfShipped(app, await incidentFor(app, args.ticket), "pr", false);
      const pr = await planPullRequest(await prDeps(app), incident, { draft: args.draft, reviewers: args.reviewers });
      const made = await makePlan(await planDeps(app), incident, {
        step: "pr",
        needsPerson: false,
        input: { draft: pr.draft, reviewers: pr.reviewers },
        summary: `push ${pr.head} and open or update the pull request into ${pr.base}: ${pr.title}`,
      });
      return ok(`Plan ${made.id}: push ${pr.head} and open or update "${pr.title}" into ${pr.base}. Apply it with fix_pr_apply.`, {
        planId: made.id,
        title: pr.title,
        head: pr.head,
        base: pr.base,
        labels: pr.labels.map((l) => l.name),
        body: pr.body,
      });
    },
  }),
  tool({
    name: "fix_pr_apply",
    toolset: "fix",
    title: "Open the pull request",
    description: "Pushes the hotfix branch and opens (or brings up to date) the pull request as planned. Refused when the plan is stale.",
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    input: z.object({ planId: z.string().min(1).max(100), ticket }),
    output: z.object({ number: z.number(), url: z.string(), opened: z.boolean() }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const deps = await planDeps(app);
      const found = await applicablePlan(deps, incident, args.planId, "pr");
      const pd = await prDeps(app);
      const input = found.plan.input as { draft?: boolean; reviewers?: string[] };
      const r = await applyPullRequest(pd, await planPullRequest(pd, incident, input));
      await markApplied(deps, incident, found.plan, `pull request #${r.pr.number}`);
      const approve = incident.priority === "P0" ? "a person approves it or waives the approval" : "a person approves it";
      return ok(`${r.opened ? "Opened" : "Updated"} pull request #${r.pr.number}. Next: ${approve}, then release_ship_plan.`, {
        number: r.pr.number,
        url: r.pr.url,
        opened: r.opened,
      });
    },
  }),
  tool({
    name: "fix_approve",
    toolset: "fix",
    title: "Approve the fix",
    description: "Approving a fix is a person's decision: the core refuses it from an agent. Listed so the agent learns who to ask.",
    write: true,
    annotations: APPEND,
    input: z.object({ by: z.string().min(1).max(100), note: z.string().max(2000).optional(), ticket }),
    output: z.object({ by: z.string(), number: z.number() }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const a = await recordApproval(await app.effectDeps(), incident, { by: args.by, note: args.note });
      return ok(`Approved by ${a.by}.`, { by: a.by, number: a.number });
    },
  }),
  tool({
    name: "release_waive",
    toolset: "release",
    title: "Waive a gate item",
    description: "Waiving the approval or the watch is a person's decision: the core refuses it from an agent.",
    write: true,
    annotations: APPEND,
    input: z.object({ item: z.enum(WAIVABLE), reason: z.string().min(1).max(2000), ticket }),
    output: z.object({ item: z.string(), by: z.string() }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const d = await app.effectDeps();
      const w = await waive(
        { store: d.store, clock: d.clock, actor: d.actor, actorKind: d.actorKind },
        { incident, item: args.item, reason: args.reason },
      );
      return ok(`Waived ${args.item}.`, { item: args.item, by: w.by });
    },
  }),
  tool({
    name: "release_ship_plan",
    toolset: "release",
    title: "Plan the ship",
    description:
      "The gate and what a ship would do (merge, tag, deploy), recorded as a plan with an id. Changes nothing in the repository or production.",
    write: true,
    annotations: APPEND,
    input: z.object({ ticket, to: z.enum(["staging", "production"]).optional() }),
    output: z.object({
      planId: z.string(),
      env: z.string(),
      ready: z.boolean(),
      gate: z.array(gateItem),
      pr: z.number().nullable(),
      tag: z.string().nullable(),
      version: z.string(),
      headSha: z.string(),
      problems: z.array(z.string()),
      needsPerson: z.boolean(),
    }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const plan = await planShip(app, incident, { to: args.to }, await shipForge(app));
      const ready = plan.problems.length === 0 && plan.gate.items.every((i) => i.met);
      const does =
        plan.env === "production"
          ? `merge ${plan.pr ? `#${plan.pr.number}` : "(no PR)"}, tag ${plan.tag}, deploy ${plan.version} to production`
          : `deploy ${plan.version} to ${plan.env}`;
      const made = await makePlan(await planDeps(app), incident, {
        step: "ship",
        needsPerson: true,
        input: { to: plan.env },
        summary: `ship ${incident.ticket}: ${does}`,
      });
      const unmet = plan.gate.items.filter((i) => !i.met).map((i) => `${i.label} (${i.command ?? i.detail})`);
      return ok(
        `Plan ${made.id}: ${does}. ${ready ? "The gate passes." : `Not ready: ${[...unmet, ...plan.problems].join("; ")}.`} A person confirms it (firebreak confirm-plan ${made.id}), then release_ship_apply.`,
        {
          planId: made.id,
          env: plan.env,
          ready,
          gate: plan.gate.items.map((i) => ({ id: i.id, label: i.label, met: i.met, waived: i.waived, detail: i.detail })),
          pr: plan.pr?.number ?? null,
          tag: plan.env === "production" ? plan.tag : null,
          version: plan.version,
          headSha: plan.headSha,
          problems: plan.problems,
          needsPerson: true,
        },
      );
    },
  }),
  tool({
    name: "release_ship_apply",
    toolset: "release",
    title: "Apply the ship plan",
    description:
      "Merges, tags and deploys as the plan said. Refused when the plan is stale or a person has not confirmed it (asked here when the client supports it).",
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    input: z.object({ planId: z.string().min(1).max(100), ticket }),
    output: z.object({ status: z.enum(["shipped", "blocked"]), env: z.string(), version: z.string(), tag: z.string().nullable() }),
    run: async (ctx, args) => {
      const { app } = ctx;
      const incident = await incidentFor(app, args.ticket);
      const deps = await planDeps(app);
      const found = await applicablePlan(deps, incident, args.planId, "ship");
      if (found.plan.needsPerson && !found.confirmedBy)
        await askPerson(ctx, deps, incident, found.plan.id, found.plan.summary, "release_ship_apply");
      const r = await ship(app, { incident, to: found.plan.input.to as "staging" | "production", redeploy: false, confirmDeployed: false });
      if (r.status === "blocked") {
        const unmet = r.plan.gate.items.filter((i) => !i.met).map((i) => i.label);
        return ok(`Blocked at the gate: ${[...unmet, ...r.plan.problems].join("; ")}. Nothing was merged, tagged or deployed.`, {
          status: "blocked",
          env: r.plan.env,
          version: r.plan.version,
          tag: null,
        });
      }
      await markApplied(deps, incident, found.plan, `shipped ${r.outcome.version} to ${r.outcome.env}`);
      return ok(`Shipped ${r.outcome.version} to ${r.outcome.env}. Next: verify it (firebreak verify).`, {
        status: "shipped",
        env: r.outcome.env,
        version: r.outcome.version,
        tag: r.outcome.tag,
      });
    },
  }),
  tool({
    name: "verify_run",
    toolset: "verify",
    title: "Verify the deploy",
    description:
      "Smoke tests, then the metrics watched against their baseline, until a verdict; recorded. Never rolls back by itself (that is verify_rollback_plan). Reports progress; cancellable.",
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    input: z.object({ env: z.enum(["staging", "production"]).optional().describe("default: production"), ticket }),
    output: z.object({ env: z.string(), outcome: z.string(), summary: z.string(), reason: z.string(), figures: z.array(z.string()) }),
    run: async ({ app }, args, extra) => {
      const incident = await incidentFor(app, args.ticket);
      const token = extra._meta?.progressToken;
      let progress = 0;
      const r = await verify(
        app,
        { incident, env: args.env ?? "production", rollback: false, keepWatching: false, signal: extra.signal },
        (e) => {
          if (token === undefined || (e.type !== "smoke" && e.type !== "tick")) return;
          progress += 1;
          const message = e.type === "smoke" ? `smoke ${e.result.name}: ${e.result.ok ? "ok" : "failed"}` : "watching";
          void extra
            .sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, message: redact(message) } })
            .catch(() => undefined);
        },
      );
      const o = r.result;
      const next = o.outcome === "verified" ? "tell the customers (firebreak announce resolved)" : "if it regressed: verify_rollback_plan";
      return ok(`${o.env}: ${o.outcome}. ${o.summary} Next: ${next}.`, {
        env: o.env,
        outcome: o.outcome,
        summary: o.summary,
        reason: o.reason,
        figures: o.figures,
      });
    },
  }),
  tool({
    name: "verify_rollback_plan",
    toolset: "verify",
    title: "Plan a rollback",
    description: "What a rollback of production would do (strategy, from which version), recorded as a plan with an id. Changes nothing.",
    write: true,
    annotations: APPEND,
    input: z.object({ strategy: z.enum(["revert", "previous", "flag"]).optional(), reason: z.string().min(1).max(2000), ticket }),
    output: z.object({ planId: z.string(), strategy: z.string(), from: z.string(), deployer: z.string(), needsPerson: z.boolean() }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const planned = await planRollback(app, incident, { strategy: args.strategy });
      const made = await makePlan(await planDeps(app), incident, {
        step: "rollback",
        needsPerson: true,
        input: { strategy: planned.strategy, reason: args.reason },
        summary: `roll back ${planned.current.version} on production (${planned.strategy}): ${args.reason}`,
      });
      return ok(
        `Plan ${made.id}: roll back ${planned.current.version} (${planned.strategy}). A person confirms it (firebreak confirm-plan ${made.id}), then verify_rollback_apply.`,
        { planId: made.id, strategy: planned.strategy, from: planned.current.version, deployer: planned.deployer.type, needsPerson: true },
      );
    },
  }),
  tool({
    name: "verify_rollback_apply",
    toolset: "verify",
    title: "Apply the rollback plan",
    description:
      "Rolls production back as the plan said. Refused when the plan is stale or a person has not confirmed it (asked here when the client supports it).",
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    input: z.object({ planId: z.string().min(1).max(100), ticket }),
    output: z.object({ strategy: z.string(), version: z.string().nullable(), summary: z.string() }),
    run: async (ctx, args) => {
      const { app } = ctx;
      const incident = await incidentFor(app, args.ticket);
      const deps = await planDeps(app);
      const found = await applicablePlan(deps, incident, args.planId, "rollback");
      if (!found.confirmedBy) await askPerson(ctx, deps, incident, found.plan.id, found.plan.summary, "verify_rollback_apply");
      const input = found.plan.input as { strategy: RollbackStrategy; reason: string };
      const r = await rollback(app, incident, { strategy: input.strategy, reason: input.reason });
      await markApplied(deps, incident, found.plan, r.summary);
      return ok(`Rolled back: ${r.summary}. Next: verify_run to confirm production is healthy again.`, {
        strategy: r.strategy,
        version: r.version ?? null,
        summary: r.summary,
      });
    },
  }),
  tool({
    name: "comms_announce_plan",
    toolset: "comms",
    title: "Plan an announcement",
    description:
      "The message each configured channel would get for a stage (investigating, identified, monitoring, resolved), recorded as a plan with an id. Sends nothing.",
    write: true,
    annotations: APPEND,
    input: z.object({ stage: z.enum(STAGES), channels: z.array(z.enum(NOTIFY_CHANNELS)).optional(), ticket }),
    output: z.object({ planId: z.string(), stage: z.string(), messages: z.array(z.object({ channel: z.string(), text: z.string() })) }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const previews = await previewStage(app, incident, args.stage, { channels: args.channels });
      const channels = previews.map((p) => p.channel);
      const made = await makePlan(await planDeps(app), incident, {
        step: "announce",
        needsPerson: false,
        input: { stage: args.stage, channels },
        summary: `announce ${args.stage} on ${channels.join(", ")}`,
      });
      return ok(`Plan ${made.id}: announce "${args.stage}" on ${channels.join(", ")}. Read the messages, then comms_announce_apply.`, {
        planId: made.id,
        stage: args.stage,
        messages: previews.map((p) => ({ channel: p.channel, text: p.text })),
      });
    },
  }),
  tool({
    name: "comms_announce_apply",
    toolset: "comms",
    title: "Send the announcement",
    description:
      "Sends the planned announcement on its channels. Refused when the plan is stale; a message already sent is never sent twice.",
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    input: z.object({ planId: z.string().min(1).max(100), ticket }),
    output: z.object({
      stage: z.string(),
      failed: z.boolean(),
      outcomes: z.array(z.object({ channel: z.string(), state: z.string(), summary: z.string() })),
    }),
    run: async ({ app }, args) => {
      const incident = await incidentFor(app, args.ticket);
      const deps = await planDeps(app);
      const found = await applicablePlan(deps, incident, args.planId, "announce");
      const input = found.plan.input as { stage: Stage; channels: string[] };
      const r = await announceStage(app, incident, input.stage, { channels: input.channels });
      await markApplied(deps, incident, found.plan, `announced ${r.stage}`);
      const outcomes = r.outcomes.map((o) => ({ channel: o.channel, state: o.state, summary: o.summary }));
      return ok(
        `${r.failed ? "Not every channel got it" : "Announced"} "${r.stage}": ${outcomes.map((o) => `${o.channel} ${o.state}`).join(", ")}.`,
        {
          stage: r.stage,
          failed: r.failed,
          outcomes,
        },
      );
    },
  }),
];

/** A person's confirmation: asked through the client when it can ask, else refused with how to give it. */
async function askPerson(
  ctx: ToolContext,
  deps: PlanDeps,
  incident: Incident,
  id: string,
  summary: string,
  applyTool: string,
): Promise<void> {
  const unconfirmed = () =>
    new FirebreakError({
      code: "PLAN_UNCONFIRMED",
      message: `Plan ${id} (${summary}) needs a person's confirmation; nothing was done.`,
      next: `a person runs: firebreak confirm-plan ${id}, then call ${applyTool} again`,
    });
  if (!ctx.server.server.getClientCapabilities()?.elicitation) throw unconfirmed();
  const answer = await ctx.server.server.elicitInput({
    message: `Firebreak: ${summary}. This cannot be undone by the agent. Confirm?`,
    requestedSchema: { type: "object", properties: { confirm: { type: "boolean", title: "I confirm this plan" } }, required: ["confirm"] },
  });
  if (answer.action !== "accept" || answer.content?.confirm !== true) throw unconfirmed();
  // The answer came from the person at the client, not from the agent.
  await confirmPlan(
    { ...deps, actorKind: "person", actor: `person at the agent's client (for ${deps.actor})` },
    incident,
    id,
    "elicitation",
  );
}

// What a button or a command does, through the same core calls as the JSON routes: the linked
// person is the actor (kind from their token), roles and the own-fix rule are checked by the
// server's decisions, and a double click does the action once: each is claimed per incident,
// action and the fix's head commit before it runs, and given back when it was refused.

import { event as eventBody } from "../../domain/events/index.js";
import { incidentState } from "../../domain/state/state.js";
import type { Incident } from "../../domain/types.js";
import { confirm } from "../../workflow/confirm.js";
import type { WorkflowDeps } from "../../workflow/deps.js";
import type { Caller } from "../access.js";
import { allowRole } from "../caller-checks.js";
import { approveAs, confirmPlanAs, waiveAs } from "../decisions.js";
import type { SlackCtx } from "./context.js";
import { notLinked, type Identity } from "./link.js";

export type Outcome = { done: true; text: string } | { done: false; text: string };

/** The linked caller, or the refusal for someone who may only read. */
export function writer(who: Identity): Caller {
  if (!who.linked) throw notLinked(who.why);
  return who.caller;
}

async function once(ctx: SlackCtx, incident: Incident, action: string, caller: Caller, run: () => Promise<string>): Promise<Outcome> {
  const head = incidentState(await ctx.store.timeline(incident.id)).commits.at(-1)?.sha ?? "none";
  const key = `${incident.id}:${action}:${head}`;
  if (!(await ctx.slack.claimAction(key, caller.token.name))) {
    const by = await ctx.slack.actionBy(key);
    return {
      done: false,
      text: `Already done: ${by ?? "someone"} did this (${action}) for ${incident.ticket} at this commit. Nothing more was done.\nNext: /firebreak status ${incident.ticket}`,
    };
  }
  try {
    const text = await run();
    await ctx.written(incident.id);
    ctx.refresh(incident.id);
    return { done: true, text };
  } catch (e) {
    await ctx.slack.releaseAction(key);
    throw e;
  }
}

const decisions = (ctx: SlackCtx) => ({ store: ctx.store, records: ctx.records, clock: ctx.clock });

export async function approve(ctx: SlackCtx, who: Identity, incident: Incident): Promise<Outcome> {
  const caller = await allowRole(ctx.records, writer(who), "approver", "approving a fix", incident.id);
  return once(ctx, incident, "approve", caller, async () => {
    const done = await approveAs(decisions(ctx), caller, incident, { note: "approved in Slack" });
    return `${done.by} approved ${incident.ticket}'s fix (pull request #${done.number}).\nNext: firebreak ship --dry-run   # from a clone`;
  });
}

export async function waiveApproval(ctx: SlackCtx, who: Identity, incident: Incident, reason: string): Promise<Outcome> {
  const caller = await allowRole(ctx.records, writer(who), "commander", "waiving a gate item", incident.id);
  return once(ctx, incident, "waive-approval", caller, async () => {
    const w = await waiveAs(decisions(ctx), caller, incident, { item: "approval", reason });
    return `${w.by} waived the approval of ${incident.ticket}: ${w.reason}\nNext: firebreak ship --dry-run   # from a clone`;
  });
}

/** Before the waiver's modal opens: the role is checked first, so a commander-only modal is not shown to others. */
export async function mayWaive(ctx: SlackCtx, who: Identity, incident: Incident): Promise<void> {
  await allowRole(ctx.records, writer(who), "commander", "waiving a gate item", incident.id);
}

export async function confirmOncall(ctx: SlackCtx, who: Identity, incident: Incident): Promise<Outcome> {
  const caller = await allowRole(ctx.records, writer(who), "responder", "confirming a checklist item", incident.id);
  return once(ctx, incident, "confirm-oncall", caller, async () => {
    const deps = { clock: ctx.clock, store: async () => ctx.store, actor: async () => caller.token.name } as unknown as WorkflowDeps;
    await confirm(deps, { incident, item: "oncall-notified", note: "confirmed in Slack" });
    return `${caller.token.name} confirmed the on-call engineer was told about ${incident.ticket}.\nNext: /firebreak status ${incident.ticket}`;
  });
}

export async function note(ctx: SlackCtx, who: Identity, incident: Incident, text: string): Promise<Outcome> {
  const caller = await allowRole(ctx.records, writer(who), "responder", "writing a note", incident.id);
  await ctx.store.appendEvent(incident.id, {
    at: ctx.clock.now().toISOString(),
    actor: caller.token.name,
    ...eventBody("note", { text, summary: text }),
  });
  await ctx.written(incident.id);
  ctx.refresh(incident.id);
  return { done: true, text: `Note added to ${incident.ticket} by ${caller.token.name}.\nNext: /firebreak status ${incident.ticket}` };
}

/** A request to join a private incident: on the audit log for commanders; the answer reveals nothing. */
export async function askAccess(ctx: SlackCtx, who: Identity, incidentId: string): Promise<Outcome> {
  const caller = writer(who);
  await ctx.records.audit(caller.token.name, "access.requested", incidentId, { reason: "asked from Slack" });
  return {
    done: true,
    text: "Your request is recorded. A commander reads requests with firebreak audit and adds members with POST /incidents/{id}/members.",
  };
}

/** A commander confirms the rollback an agent planned; the agent applies it (the server holds no repository). */
export async function confirmRollback(ctx: SlackCtx, who: Identity, incident: Incident, planId: string): Promise<Outcome> {
  const caller = await allowRole(ctx.records, writer(who), "commander", "rolling back", incident.id);
  return once(ctx, incident, `rollback-${planId}`, caller, async () => {
    const found = await confirmPlanAs(decisions(ctx), caller, incident, planId, "slack");
    return `${caller.token.name} confirmed the rollback of ${incident.ticket} (${found.plan.summary}); the agent that planned it applies it now.\nNext: /firebreak status ${incident.ticket}`;
  });
}

// Button clicks and modal submissions. A click is acknowledged at once (app.ts); the action runs
// after and its answer (done, or refused with why) goes only to the person who clicked. Waive opens
// a modal asking the reason; its submission does the waiver.

import { triage } from "../../domain/triage.js";
import type { SlackCtx } from "./context.js";
import { refusalText, respond, visibleIncident, forCaller } from "./context.js";
import { approve, askAccess, confirmOncall, confirmRollback, mayWaive, waiveApproval, type Outcome } from "./actions.js";
import { TRIAGE_CALLBACK, triageAnswer } from "./commands.js";
import { identify, type SlackUser } from "./link.js";
import { ACTIONS } from "./message.js";

export const WAIVE_CALLBACK = "fb_waive_reason";

export interface BlockActions {
  type: "block_actions";
  user: { id: string; team_id?: string };
  team?: { id: string };
  channel?: { id: string };
  trigger_id: string;
  response_url?: string;
  actions: { action_id: string; value?: string }[];
}

export interface ViewSubmission {
  type: "view_submission";
  user: { id: string; team_id?: string };
  team?: { id: string };
  view: {
    callback_id: string;
    private_metadata?: string;
    state: { values: Record<string, Record<string, { value?: string | null; selected_options?: { value: string }[] }>> };
  };
}

export type Payload = BlockActions | ViewSubmission | { type: string };

const userOf = (p: BlockActions | ViewSubmission): SlackUser => ({ teamId: p.team?.id ?? p.user.team_id ?? "", userId: p.user.id });

/** Tells only this person, on the click's response URL or as an ephemeral message in the channel. */
async function tell(ctx: SlackCtx, p: { responseUrl?: string; channel?: string; user: string }, text: string) {
  if (p.responseUrl) await respond(p.responseUrl, { text });
  else if (p.channel) await ctx.web.chat.postEphemeral({ channel: p.channel, user: p.user, text });
}

export async function onBlockActions(app: SlackCtx, p: BlockActions): Promise<void> {
  const u = userOf(p);
  const where = {
    ...(p.response_url ? { responseUrl: p.response_url } : {}),
    ...(p.channel ? { channel: p.channel.id } : {}),
    user: u.userId,
  };
  for (const a of p.actions) {
    try {
      const who = await identify(app.records, u, app.clock.now());
      // A linked person works on their own team's record.
      const ctx = forCaller(app, who.caller);
      const ref = a.value ?? "";
      let out: Outcome | undefined;
      if (a.action_id === ACTIONS.access) out = await askAccess(ctx, who, ref);
      else {
        // A rollback button carries the incident and the plan: "inc_… plan_…".
        const [incidentRef = "", planId = ""] = ref.split(" ");
        const incident = await visibleIncident(ctx, who.caller, incidentRef);
        if (a.action_id === ACTIONS.rollback) out = await confirmRollback(ctx, who, incident, planId);
        else if (a.action_id === ACTIONS.approve) out = await approve(ctx, who, incident);
        else if (a.action_id === ACTIONS.oncall) out = await confirmOncall(ctx, who, incident);
        else if (a.action_id === ACTIONS.waive) {
          await mayWaive(ctx, who, incident);
          await ctx.web.views.open({ trigger_id: p.trigger_id, view: waiveModal(incident.id, incident.ticket, p.channel?.id ?? "") });
        }
      }
      if (out) await tell(ctx, where, out.text);
    } catch (e) {
      await tell(app, where, refusalText(e, app.log));
    }
  }
}

export async function onViewSubmission(ctx: SlackCtx, p: ViewSubmission): Promise<void> {
  const u = userOf(p);
  const meta = JSON.parse(p.view.private_metadata || "{}") as { incident?: string; channel?: string };
  const where = { ...(meta.channel ? { channel: meta.channel } : {}), user: u.userId };
  try {
    if (p.view.callback_id === WAIVE_CALLBACK) {
      const who = await identify(ctx.records, u, ctx.clock.now());
      const mine = forCaller(ctx, who.caller);
      const incident = await visibleIncident(mine, who.caller, meta.incident ?? "");
      const reason = p.view.state.values.reason?.reason?.value ?? "";
      await tell(ctx, where, (await waiveApproval(mine, who, incident, reason)).text);
    } else if (p.view.callback_id === TRIAGE_CALLBACK) {
      const picked = p.view.state.values.criteria?.criteria?.selected_options?.map((o) => o.value) ?? [];
      await tell(ctx, where, triageAnswer(triage({ criteria: picked }), ctx.clock.now()));
    }
  } catch (e) {
    await tell(ctx, where, refusalText(e, ctx.log));
  }
}

function waiveModal(incidentId: string, ticket: string, channel: string) {
  return {
    type: "modal" as const,
    callback_id: WAIVE_CALLBACK,
    private_metadata: JSON.stringify({ incident: incidentId, channel }),
    title: { type: "plain_text" as const, text: "Waive the approval" },
    submit: { type: "plain_text" as const, text: "Waive" },
    blocks: [
      {
        type: "input" as const,
        block_id: "reason",
        label: { type: "plain_text" as const, text: `Why ship ${ticket} before anyone approves?`.slice(0, 150) },
        element: { type: "plain_text_input" as const, action_id: "reason", multiline: true, max_length: 500 },
      },
    ],
  };
}

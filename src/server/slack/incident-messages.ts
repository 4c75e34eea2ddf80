// Keeping each incident's message in its channel: posted once, then updated in place. The intent
// is recorded before posting (slack_messages, one row per incident and channel), so of two replicas
// or a retry only the one whose claim made the row posts; the others update once the ts is there.
// A claim left without a ts (its poster died between the post and the write) is settled like a
// pull request is found before one is opened: the channel's history is searched for the message's
// metadata, and only when it is not there is the message posted again.

import type { Incident } from "../../domain/types.js";
import { isPrivate } from "../access.js";
import type { SlackCtx } from "./context.js";
import { incidentMessage, privateNotice, type Rendered } from "./message.js";

export const METADATA_TYPE = "firebreak_incident";
/** How long a claim without a ts is left to its poster before it is settled from the history. */
const CLAIM_STALE_MS = 30_000;

/** The channels an incident's message goes to, and what each may show. */
export function placesFor(ctx: SlackCtx, incident: Incident): { channel: string; full: boolean }[] {
  const out: { channel: string; full: boolean }[] = [];
  const { channel, privateChannel } = ctx.settings;
  const secret = isPrivate(incident);
  if (channel) out.push({ channel, full: !secret || channel === privateChannel });
  if (secret && privateChannel && privateChannel !== channel) out.push({ channel: privateChannel, full: true });
  return out;
}

export function refreshIncident(ctx: SlackCtx, incidentId: string): void {
  void (async () => {
    const incident = await ctx.store.getIncident(incidentId);
    if (!incident) return;
    for (const place of placesFor(ctx, incident))
      ctx.queue.push(place.channel, `msg:${incidentId}:${place.channel}`, () => syncMessage(ctx, incidentId, place.channel, place.full));
  })().catch((e: unknown) => ctx.log.error("slack message refresh failed", { error: (e as Error).message }));
}

/** Re-renders every open incident's message: the clock moves without events, and an incident
 *  that started before the app was set up gets its message. */
export async function refreshOpen(ctx: SlackCtx): Promise<void> {
  for (const incident of await ctx.store.listIncidents({ all: false })) refreshIncident(ctx, incident.id);
}

async function render(ctx: SlackCtx, incidentId: string, full: boolean): Promise<Rendered | undefined> {
  const incident = await ctx.store.getIncident(incidentId);
  if (!incident) return undefined;
  return full ? incidentMessage(incident, await ctx.store.timeline(incident.id), ctx.clock.now()) : privateNotice(incident);
}

/** Posts the message the first time, else updates it in place. */
export async function syncMessage(ctx: SlackCtx, incidentId: string, channel: string, full: boolean, attempt = 0): Promise<void> {
  const view = await render(ctx, incidentId, full);
  if (!view) return;
  const key = `${incidentId}:${channel}`;
  // The same content again (a note, a tick with the same clock) is not sent: fewer calls, and a
  // private incident's notice does not move with every event of an incident it does not show.
  const shown = JSON.stringify(view);
  if (ctx.shown.get(key) === shown) return;
  const claim = await ctx.slack.claimMessage(incidentId, channel);
  if (claim.ts) {
    await ctx.web.chat.update({ channel, ts: claim.ts, text: view.text, blocks: view.blocks });
    ctx.shown.set(key, shown);
    return;
  }
  // This replica's own claim (a post refused with 429, or failed): it posts again itself.
  if (claim.mine) ctx.claims.add(key);
  else if (!ctx.claims.has(key)) {
    if (ctx.clock.now().getTime() - Date.parse(claim.claimedAt) < CLAIM_STALE_MS) {
      // Another replica is posting: come back once its ts is recorded (bounded).
      if (attempt < 10)
        setTimeout(
          () => ctx.queue.push(channel, `msg:${incidentId}:${channel}`, () => syncMessage(ctx, incidentId, channel, full, attempt + 1)),
          1000,
        ).unref();
      return;
    }
    const found = await findPosted(ctx, incidentId, channel);
    if (found) {
      await ctx.slack.setMessageTs(incidentId, channel, found);
      await ctx.web.chat.update({ channel, ts: found, text: view.text, blocks: view.blocks });
      ctx.shown.set(key, shown);
      return;
    }
    if (!(await ctx.slack.reclaimMessage(incidentId, channel, claim.claimedAt))) return;
    ctx.claims.add(key);
  }
  const posted = await ctx.web.chat.postMessage({
    channel,
    text: view.text,
    blocks: view.blocks,
    metadata: { event_type: METADATA_TYPE, event_payload: { incident: incidentId } },
    unfurl_links: false,
  });
  if (posted.ts) await ctx.slack.setMessageTs(incidentId, channel, posted.ts);
  ctx.claims.delete(key);
  ctx.shown.set(key, shown);
}

async function findPosted(ctx: SlackCtx, incidentId: string, channel: string): Promise<string | undefined> {
  const history = await ctx.web.conversations.history({ channel, limit: 200, include_all_metadata: true });
  const hit = history.messages?.find(
    (m) =>
      m.metadata?.event_type === METADATA_TYPE && (m.metadata.event_payload as { incident?: string } | undefined)?.incident === incidentId,
  );
  return hit?.ts;
}

// What every part of the Slack app shares: the server's store and records, the Web API client
// (pointed at Slack, or a stand-in), the per-channel post queue, and how answers reach a person:
// the response URL of a command or a click, or an ephemeral message in the channel.

import type { WebClient } from "@slack/web-api";
import type { Incident } from "../../domain/types.js";
import { FirebreakError, isFirebreakError } from "../../errors.js";
import type { Clock, Store } from "../../ports.js";
import { redact } from "../../redact.js";
import type { ServerRecords } from "../../store/server-records.js";
import type { SlackRecords } from "../../store/slack-records.js";
import { canSee, type Caller } from "../access.js";
import type { Logger } from "../log.js";
import type { PostQueue } from "./post-queue.js";
import type { SlackSettings } from "./settings.js";

export interface SlackCtx {
  /** The team's record this context works on: the Slack app's team, or (forCaller) a linked person's. */
  store: Store;
  records: ServerRecords;
  slack: SlackRecords;
  /** Every team's record, for forCaller. */
  teams: Store & { forTeam(team: string): Store };
  clock: Clock;
  log: Logger;
  web: WebClient;
  queue: PostQueue;
  settings: SlackSettings;
  /** After a write: wake the live feed and the other replicas (the server's own hook). */
  written(incidentId: string): Promise<void>;
  /** Claims to post an incident message that this replica made and has not finished. */
  claims: Set<string>;
  /** What this replica last sent for each incident message (skips sending the same again). */
  shown: Map<string, string>;
  /** Re-renders the incident's messages (queued, batched). */
  refresh(incidentId: string): void;
}

export interface Reply {
  text: string;
  blocks?: unknown[];
  /** Everyone in the channel sees it; else only the person who asked. */
  inChannel?: boolean;
}

/** Answers on a response URL (a command's or a click's); ephemeral unless said otherwise. */
export async function respond(url: string, r: Reply): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      response_type: r.inChannel ? "in_channel" : "ephemeral",
      replace_original: false,
      text: r.text,
      ...(r.blocks ? { blocks: r.blocks } : {}),
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the response URL answered ${res.status}`);
}

/** A refusal or a failure in words a person reads: what happened, why, and what to do next. */
export function refusalText(e: unknown, log?: Logger): string {
  if (isFirebreakError(e)) {
    const parts = [`Refused: ${e.message}`];
    if (e.why && !e.message.includes(e.why)) parts.push(`Why: ${e.why}`);
    if (e.next) parts.push(`Next: ${e.next}`);
    return redact(parts.join("\n"));
  }
  // The answer sends the person to the server's log: the error must be there.
  log?.error("slack request failed", { error: e instanceof Error ? e.message : String(e) });
  return "Firebreak failed to do this; nothing more was done. Next: try again, and ask an admin to read the server's log if it fails again.";
}

/** The context of one Slack user's request: the record of their token's team, never another's. */
export function forCaller(ctx: SlackCtx, caller: Caller): SlackCtx {
  const team = caller.token.team;
  if (team === ctx.records.team) return ctx;
  const records = ctx.records.forTeam(team);
  return { ...ctx, store: ctx.teams.forTeam(team), records, slack: records.slack() };
}

/** The incident a reference names, only when the caller may see it; a hidden one reads as missing. */
export async function visibleIncident(ctx: SlackCtx, caller: Caller, ref: string): Promise<Incident> {
  const incident = (await ctx.store.getIncident(ref)) ?? (await ctx.store.findByTicket(ref));
  if (!incident || !canSee(caller, incident))
    throw new FirebreakError({
      code: "NO_INCIDENT",
      message: `No incident ${ref} that you may see.`,
      next: "/firebreak list shows the ones you may",
    });
  return incident;
}

// The event catalogue: every kind of timeline event, declared once with a schema for its data.
// Appends are typed against it (a kind not listed, or data of the wrong shape, stops compiling)
// and the store checks every append against it again at run time (EVENT_INVALID), so what reaches
// the hash chain is always something a reader of the record knows.
//
// Exact kinds live in the per-area tables; three families are templates: deploy.<env>.done,
// verify.<env>.<verdict> and check.<status>, plus confirm.<item>.

import type { z } from "zod";
import { ANNOUNCE_EVENTS } from "./announce.js";
import { BACKPORT_EVENTS } from "./backport.js";
import { CHECK_EVENTS, CHECK_PATTERN, checkEvent, type CheckKind } from "./check.js";
import { EFFECT_EVENTS } from "./effect.js";
import { CONFIRM_PATTERN, INCIDENT_EVENTS, confirmEvent, type ConfirmKind } from "./incident.js";
import { PR_EVENTS } from "./pr.js";
import { PLAN_EVENTS } from "./plan.js";
import { REVIEW_EVENTS } from "./review.js";
import { DEPLOY_DONE_PATTERN, SHIP_EVENTS, deployDone, type DeployDoneKind } from "./ship.js";
import { VERDICT_PATTERN, VERIFY_EVENTS, verdictEvent, type VerdictKind } from "./verify.js";

/** Every kind with a fixed name, and its data's schema. */
export const EVENTS = {
  ...INCIDENT_EVENTS,
  ...EFFECT_EVENTS,
  ...CHECK_EVENTS,
  ...PR_EVENTS,
  ...SHIP_EVENTS,
  ...VERIFY_EVENTS,
  ...ANNOUNCE_EVENTS,
  ...BACKPORT_EVENTS,
  ...REVIEW_EVENTS,
  ...PLAN_EVENTS,
} as const;

export type ExactKind = keyof typeof EVENTS;

/** The template kinds: a pattern for the run-time check, a name for people and the docs. */
export const EVENT_TEMPLATES = [
  { template: "deploy.<env>.done", pattern: DEPLOY_DONE_PATTERN, schema: deployDone },
  { template: "verify.<env>.<verdict>", pattern: VERDICT_PATTERN, schema: verdictEvent },
  { template: "check.<status>", pattern: CHECK_PATTERN, schema: checkEvent },
  { template: "confirm.<item>", pattern: CONFIRM_PATTERN, schema: confirmEvent },
] as const;

type ExactData = { [K in ExactKind]: z.input<(typeof EVENTS)[K]> };
type TemplateData = { [K in DeployDoneKind]: z.input<typeof deployDone> } & { [K in VerdictKind]: z.input<typeof verdictEvent> } & {
  [K in CheckKind]: z.input<typeof checkEvent>;
} & { [K in ConfirmKind]: z.input<typeof confirmEvent> };

/** Each kind's data as writers give it. */
export type EventDataMap = ExactData & TemplateData;
export type EventKind = ExactKind | DeployDoneKind | VerdictKind | CheckKind | ConfirmKind;
export type EventData<K extends EventKind> = K extends ExactKind ? ExactData[K] : K extends keyof TemplateData ? TemplateData[K] : never;

/** What an event says, without when and by whom: one arm per kind, so the kind decides the data. */
export type EventBody = { [K in EventKind]: { kind: K; data: EventData<K> } }[EventKind];

/** An event to append: the body, when it happened and who did it. */
export type NewEvent = EventBody & { at: string; actor: string };

/** The kinds the effect journal writes when an effect is done (their data: the key and the result). */
export type EffectKind =
  | "branch.created"
  | "branch.pushed"
  | "config.carried"
  | "commit.created"
  | "pr.opened"
  | "pr.updated"
  | "release.merged"
  | "tag.created"
  | "release.tagged"
  | "rollback.reverted"
  | "rollback.tagged"
  | "rollback.deployed"
  | "rollback.flag-off"
  | DeployDoneKind
  | "announce.sent"
  | "backport.pushed"
  | "backport.pr-opened"
  | "followup.opened"
  | "ticket.commented";

/** The typed way to write an event's body: `{ at, actor, ...event("note", { text }) }`. */
export const event = <K extends EventKind>(kind: K, data: EventData<K>): EventBody => ({ kind, data }) as unknown as EventBody;

/** The schema of a kind, or undefined when the catalogue does not know it. */
export function schemaOf(kind: string): z.ZodType | undefined {
  if (Object.hasOwn(EVENTS, kind)) return EVENTS[kind as ExactKind];
  return EVENT_TEMPLATES.find((t) => t.pattern.test(kind))?.schema;
}

export const isEventKind = (kind: string): kind is EventKind => schemaOf(kind) !== undefined;

/** Every kind's name for people: the exact ones, then the templates. */
export const KIND_NAMES: readonly string[] = [...Object.keys(EVENTS), ...EVENT_TEMPLATES.map((t) => t.template)];

export type EventProblem = { kind: string; problem: string };

/** Checks an event against the catalogue; null when it is fine. */
export function validateEvent(kind: string, data: unknown): EventProblem | null {
  const schema = schemaOf(kind);
  if (!schema) return { kind, problem: `"${kind}" is not an event kind the record knows` };
  const r = schema.safeParse(data ?? {});
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return { kind, problem: `${issue.path.length ? `data.${issue.path.join(".")}` : "data"}: ${issue.message}` };
}

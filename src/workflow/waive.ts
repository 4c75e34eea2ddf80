// Waiving a gate item at P0: the approval (ship now, review after the deploy) or a watch that can
// catch a regression (ship with automatic rollback although the watch could not see one). The
// waiver, who gave it, why and for which commit go on the record in one write with its timeline
// event. It covers that commit only (domain/gate.ts): a new fix after a rollback needs its own.

import { event } from "../domain/events/index.js";
import { LEVELS } from "../domain/levels.js";
import type { Incident } from "../domain/types.js";
import { E, FirebreakError } from "../errors.js";
import type { Clock, Store } from "../ports.js";
import type { Waiver } from "../domain/gate.js";
import { requirePerson, type ActorKind } from "../domain/actor.js";
import { pushedHead } from "../domain/state/facts.js";

export const WAIVABLE = ["approval", "watch"] as const;
export type WaivableItem = (typeof WAIVABLE)[number];

const WHAT: Record<WaivableItem, string> = { approval: "the approval", watch: "a watch that can catch a regression" };

export interface WaiveDeps {
  store: Store;
  clock: Clock;
  /** Who waives: a person. */
  actor: string;
  /** What the actor is; an agent or a service is refused (absent: a person at the CLI). */
  actorKind?: ActorKind;
  /**
   * The hotfix commit the waiver is for, as the gate will see it (a face with the repository
   * passes it); without it, the commit last pushed on the record. The waiver covers that commit
   * only: a new fix (after a rollback) needs its own.
   */
  head?: (incident: Incident) => Promise<string | null>;
}

export interface WaiveInput {
  incident: Incident;
  item: string;
  reason: string;
}

/** Control characters could rewrite a terminal line or a message; a reason is one plain sentence. */
const plain = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ").trim();

export function isWaivable(item: string): item is WaivableItem {
  return (WAIVABLE as readonly string[]).includes(item);
}

/** The reason as it will be recorded; refused when missing or too long to be a reason. */
export function waiverReason(item: WaivableItem, raw: string): string {
  const reason = plain(raw);
  if (!reason) throw E.missingInput('--reason "<why>"', `Why ${WHAT[item]} is waived`);
  if (reason.length > 2000) throw E.usage("--reason is longer than 2000 characters; say it in a sentence or two.");
  return reason;
}

/** Records the waiver; refused unless the level allows it and a reason is given. */
export async function waive(deps: WaiveDeps, input: WaiveInput): Promise<Waiver> {
  const { incident } = input;
  requirePerson(deps.actorKind, "waive", deps.actor);
  if (!isWaivable(input.item))
    throw E.usage(`"${input.item}" cannot be waived: only approval and watch can (for a P0).`, 'firebreak waive approval --reason "<why>"');
  const what = input.item;
  const reason = waiverReason(what, input.reason);
  if (!LEVELS[incident.priority].approvalWaivable)
    throw new FirebreakError({
      code: "NOT_WAIVABLE",
      message: `${incident.ticket} is ${incident.priority}: only a P0 may ship without ${what === "approval" ? "an approval" : WHAT[what]}.`,
      next:
        what === "approval"
          ? "firebreak approve --by <reviewer>   # or ask for a review on the forge"
          : "firebreak ship --dry-run   # the gate says what would make the watch able to",
    });
  const by = deps.actor;
  const at = deps.clock.now().toISOString();
  const commit = (await deps.head?.(incident)) ?? pushedHead(await deps.store.timeline(incident.id), incident.branch);
  const waiver: Waiver = { item: what, by, reason, at, ...(commit ? { commit } : {}) };
  const on = commit ? ` (for ${commit.slice(0, 12)})` : "";
  const waivers = [...((incident.data.waivers as Waiver[] | undefined) ?? []), waiver];
  const body =
    what === "approval"
      ? event("approval.waived", {
          by,
          reason,
          reviewAfterDeploy: "due",
          ...(commit ? { commit } : {}),
          summary: `approval waived by ${by}${on}: ${reason}`,
        })
      : event("watch.waived", {
          by,
          reason,
          ...(commit ? { commit } : {}),
          summary: `a watch able to catch a regression waived by ${by}${on}: ${reason}`,
        });
  await deps.store.updateIncident(incident.id, { data: { waivers } }, { at, actor: by, ...body });
  return waiver;
}

// firebreak confirm-plan ID: a person lets an agent apply the plan it made (a merge, deploy or
// rollback). Refused when FIREBREAK_ACTOR_KIND says the caller is an agent or a service.

import type { CommandInput } from "../run-command.js";
import { ACTOR_KINDS, type ActorKind } from "../../domain/actor.js";
import { confirmPlan, incidentOfPlan } from "../../workflow/plans.js";
import { E } from "../../errors.js";

export async function run({ app, out, args }: CommandInput): Promise<number> {
  const id = (args[0] ?? "").trim();
  if (!/^plan_[0-9a-f]{6,32}$/.test(id))
    throw E.usage(`"${id}" is not a plan id (plan_ and hex digits).`, "firebreak confirm-plan plan_0123abcd4567");
  const kindRaw = app.env.FIREBREAK_ACTOR_KIND;
  const actorKind = (ACTOR_KINDS as readonly string[]).includes(kindRaw ?? "") ? (kindRaw as ActorKind) : undefined;
  const store = await app.store();
  const incident = await incidentOfPlan(store, id);
  const actor = await app.actor();
  const found = await confirmPlan(
    { store, clock: app.clock, actor, actorKind, head: (i) => app.git.revParse(`refs/heads/${i.branch}`).catch(() => null) },
    incident,
    id,
    "cli",
  );
  out.data({ plan: found.plan.id, step: found.plan.step, confirmedBy: found.confirmedBy, ticket: incident.ticket });
  out.success(`${found.confirmedBy} confirmed plan ${id} on ${incident.ticket}: ${found.plan.summary}.`);
  out.next("tell the agent to apply it (release_ship_apply with this plan id)");
  return 0;
}

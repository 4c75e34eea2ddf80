// firebreak gate [--to staging|production] [-t TICKET] [--json]
// The deploy gate on its own, for a required CI check or a script: each item, met or not, with the
// command that meets it. It writes down only what it observed (CI green, monitoring configured),
// as `ship --dry-run` does; it merges, tags and deploys nothing. Exit 0 when open, 5 (blocked) when not.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E, EXIT } from "../../errors.js";
import { DEPLOY_ENVS, type DeployEnv } from "../../domain/gate.js";
import { resolveEnv, shipForge } from "../../workflow/ship.js";
import { gatherGate } from "../../workflow/gate.js";
import { renderGate } from "./ship.js";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const to = typeof opts.to === "string" ? opts.to : undefined;
  if (to !== undefined && !DEPLOY_ENVS.includes(to as DeployEnv))
    throw E.usage(`--to ${to}: the gate is for staging or production.`, "firebreak gate --to production");
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const env = await resolveEnv(app, incident, to as DeployEnv | undefined);
  const forge = await shipForge(app, (l) => out.warn(l));
  const { gate, headSha } = await gatherGate(app, incident, env, forge, await app.config());
  out.data({ ticket: incident.ticket, env, headSha, ok: gate.ok, gate });
  renderGate(out, gate);
  if (gate.ok) {
    out.success(`${incident.ticket}: the gate for ${env} is open at ${headSha.slice(0, 12)}.`);
    out.next(`firebreak ship --to ${env}`);
    return EXIT.ok;
  }
  const first = gate.items.find((i) => !i.met);
  out.line(out.red(`${incident.ticket}: the gate for ${env} is closed (${gate.items.filter((i) => !i.met).length} item(s) unmet).`));
  out.next(first?.command ?? `firebreak gate --to ${env}`);
  return EXIT.blocked;
}

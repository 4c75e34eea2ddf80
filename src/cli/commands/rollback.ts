// firebreak rollback [--strategy revert|previous|flag] [--reason "…"] [--dry-run]
// Runs the rollback plan that was known before the deploy: revert and redeploy, the previous
// version, or the feature flag off. Recorded on the timeline; the incident becomes rolled-back.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E, EXIT } from "../../errors.js";
import { rollbackPlan, type RollbackStrategy } from "../../ship/rollback-plan.js";
import { planRollback, rollback } from "../../workflow/rollback.js";
import { guardSignals, interruptedError } from "../../ship/interrupt.js";
import { refuseUnlessAllowed } from "../../app/role-check.js";
import { leaseRule } from "../../domain/access.js";

const STRATEGIES: RollbackStrategy[] = ["revert", "previous", "flag"];

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const s = typeof opts.strategy === "string" ? opts.strategy : undefined;
  if (s !== undefined && !STRATEGIES.includes(s as RollbackStrategy))
    throw E.usage(`--strategy ${s}: use revert, previous or flag.`, "firebreak rollback --strategy revert");
  const strategy = s as RollbackStrategy | undefined;
  const reason =
    typeof opts.reason === "string" && opts.reason.trim()
      ? opts.reason
          .replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ")
          .trim()
          .slice(0, 2000)
      : "no reason given";
  const incident = await resolveIncident(app, args[0] ?? (typeof opts.ticket === "string" ? opts.ticket : undefined));
  const planned = await planRollback(app, incident, { strategy });

  if (opts.dryRun) {
    const config = await app.config();
    const options = rollbackPlan(config, await app.adapters.deployer("production"), planned.release.previous);
    out.data({ dryRun: true, strategy: planned.strategy, from: planned.current.version, options });
    out.line(`Rollback plan for ${incident.ticket} (production runs ${planned.current.version}): nothing has been changed.`);
    for (const o of options)
      out.line(`  ${o.strategy === planned.strategy ? "→" : " "} ${o.strategy}: ${o.available ? o.how : `not available (${o.how})`}`);
    out.next(`firebreak rollback --strategy ${planned.strategy} --reason "<why>"`);
    return EXIT.ok;
  }

  // Refused for the token's role before "Rolling back…" is printed, not after: the same rule the
  // server applies to the lock the rollback takes (workflow/rollback.ts).
  const holder = `rollback --strategy ${planned.strategy}`;
  await refuseUnlessAllowed(app, leaseRule(holder), `firebreak rollback ${incident.ticket} --strategy ${planned.strategy}`);
  out.info(`Rolling back ${incident.ticket} (${planned.current.version} on production) with strategy ${planned.strategy}…`);
  // Ctrl-C is passed on to a running deploy command; the run records what may have happened,
  // releases its lock and exits 130 (ship/interrupt.ts).
  const guard = guardSignals((l) => out.warn(l));
  const command = `firebreak ${holder}`;
  let result: Awaited<ReturnType<typeof rollback>>;
  try {
    result = await rollback(app, incident, {
      strategy: planned.strategy,
      reason,
      out,
      redeploy: Boolean(opts.redeploy),
      confirmDeployed: Boolean(opts.confirmDeployed),
    });
  } catch (e) {
    const sig = guard.signal;
    if (!sig) throw e;
    throw interruptedError(sig, e, {
      what: `the rollback (${planned.strategy}) of ${planned.current.version}`,
      command,
      ambiguousNext: `${command}   # asks the deployer whether it went through first; if it cannot tell: ${command} --redeploy (it did not) or ${command} --confirm-deployed (it did)`,
    });
  } finally {
    guard.dispose();
  }
  out.data({ rollback: result });
  out.success(`${incident.ticket} rolled back: ${result.summary}.`);
  out.next(
    `firebreak verify   # confirm production is healthy again; then fix it and: firebreak check && firebreak commit && firebreak pr && firebreak ship`,
  );
  return EXIT.ok;
}

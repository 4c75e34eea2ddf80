// firebreak ship [--to staging|production] [--dry-run] [--tag vX.Y.Z] [--redeploy|--confirm-deployed]
// The gate, then merge → tag → deploy. --dry-run shows the gate and the plan and changes nothing
// (it only writes down what it observed: CI green, monitoring configured).
// Ctrl-C while it merges, tags or deploys is passed on to the deploy command; the run then
// records what may have happened, releases its locks and exits 130 (ship/interrupt.ts).

import type { CommandInput } from "../run-command.js";
import type { Output } from "../output.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E, EXIT } from "../../errors.js";
import type { Gate } from "../../domain/gate.js";
import { blockedError, planShip, shipForge, type ShipPlan } from "../../workflow/ship.js";
import { ship, shipTarget } from "../../workflow/ship-run.js";
import { run as runVerify } from "./verify.js";
import { guardSignals, interruptedError } from "../../ship/interrupt.js";
import { refuseUnlessAllowed } from "../../app/role-check.js";
import { leaseRule } from "../../domain/access.js";

export function renderGate(out: Output, gate: Gate): void {
  out.line(`Gate for ${gate.env} at ${gate.priority}:`);
  for (const i of gate.items) {
    const mark = i.met ? (i.waived ? "~" : "✔") : "✖";
    const text = `  ${mark} ${i.label}: ${i.detail}`;
    out.line(i.met ? out.green(text) : out.red(text));
    if (!i.met && i.command) out.line(`      → ${i.command}`);
  }
}

function renderPlan(out: Output, plan: ShipPlan): void {
  const rows: Array<[string, string]> = [];
  if (plan.env === "production") {
    rows.push(["merge", plan.pr ? `#${plan.pr.number} into ${plan.incident.base} (${plan.mergeMethod})` : "no pull request yet"]);
    rows.push([
      "tag",
      `${plan.tag}${plan.latestTag ? ` (next patch after ${plan.latestTag})` : " (first release)"}, annotated "Hotfix: ${plan.incident.title} (${plan.incident.ticket})"`,
    ]);
    if (plan.supersedes) rows.push(["replaces", `${plan.supersedes.tag}, rolled back; it stays in the release history`]);
  } else {
    rows.push(["commit", `${plan.headSha.slice(0, 12)} (${plan.incident.branch}), not merged yet`]);
  }
  rows.push([
    "deploy",
    plan.deployer
      ? `${plan.version} to ${plan.env} with ${plan.deployer.type}: ${plan.deployDescription}`
      : `nothing configured for ${plan.env}`,
  ]);
  out.fields(rows);
  out.line("Rollback plan:");
  for (const r of plan.rollback)
    out.line(`  ${r.isDefault ? "*" : "-"} ${r.strategy}: ${r.available ? r.how : `not available (${r.how})`}`);
}

const planJson = (plan: ShipPlan) => ({
  env: plan.env,
  gate: plan.gate,
  pr: plan.pr,
  mergeMethod: plan.mergeMethod,
  tag: plan.env === "production" ? plan.tag : null,
  previousTag: plan.previousTag,
  latestTag: plan.latestTag,
  supersedes: plan.supersedes?.tag ?? null,
  version: plan.version,
  headSha: plan.headSha,
  deployer: plan.deployer?.type ?? null,
  deploy: plan.deployDescription,
  rollback: plan.rollback,
  problems: plan.problems,
});

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const to = typeof opts.to === "string" ? opts.to : undefined;
  if (to !== undefined && to !== "staging" && to !== "production")
    throw E.usage(`--to ${to}: use staging or production.`, "firebreak ship --to production");
  if (opts.redeploy && opts.confirmDeployed)
    throw E.usage("--redeploy and --confirm-deployed contradict each other: pick the one that is true.");
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const req = { to: to as "staging" | "production" | undefined, tag: typeof opts.tag === "string" ? opts.tag : undefined };

  if (opts.dryRun) {
    const forge = await shipForge(app, (l) => out.info(l));
    const plan = await planShip(app, incident, req, forge);
    // A finished ship is not planned again: the real run would only say it is already done.
    const done = (await (await app.store()).getEffect(incident.id, `deploy.${plan.env}:${plan.version}`))?.state === "done";
    if (done) {
      out.data({ dryRun: true, ...planJson(plan), ok: true, alreadyDone: true });
      out.success(`${incident.ticket}: ${plan.version} is already on ${plan.env} (shipped by an earlier run); ship would change nothing.`);
      out.next(
        plan.env === "staging"
          ? "firebreak verify --env staging   # then: firebreak ship --to production"
          : "firebreak verify   # if it goes wrong: firebreak rollback",
      );
      return EXIT.ok;
    }
    const blocked = !plan.gate.ok || plan.problems.length > 0;
    out.data({ dryRun: true, ...planJson(plan), ok: !blocked, alreadyDone: false });
    out.line(`Plan for ${incident.ticket} → ${plan.env}: nothing has been merged, tagged or deployed.`);
    renderGate(out, plan.gate);
    for (const p of plan.problems) out.line(out.red(`  ✖ ${p}`));
    renderPlan(out, plan);
    out.next(
      blocked ? (plan.gate.items.find((i) => !i.met)?.command ?? "fix .firebreak.yml as listed above") : `firebreak ship --to ${plan.env}`,
    );
    return blocked ? EXIT.blocked : EXIT.ok;
  }

  const envGuess = await shipTarget(app, incident, req.to);
  const command = `firebreak ship --to ${envGuess}`;
  // Refused for the token's role before the merge, tag and deploy lines, not after them.
  await refuseUnlessAllowed(app, leaseRule(`ship --to ${envGuess}`), `${command} --ticket ${incident.ticket}`);
  const guard = guardSignals((l) => out.warn(l));
  let deploying = `the ship to ${envGuess}`;
  try {
    const result = await ship(
      app,
      { incident, ...req, redeploy: Boolean(opts.redeploy), confirmDeployed: Boolean(opts.confirmDeployed) },
      (e) => {
        if (e.type === "info") out.info(e.line);
        else if (e.type === "took-over")
          out.warn(
            `Took over lock ${e.lock.id} (${e.lock.names.join(", ")}) from pid ${e.lock.pid} (${e.lock.command}, since ${e.lock.since}): that process is no longer running.`,
          );
        else if (e.type === "releasing") {
          renderGate(out, e.gate);
          deploying = e.what;
        }
        // From here on nothing changes the world: Ctrl-C behaves as usual again (verify can take minutes).
        else if (e.type === "deployed") guard.dispose();
      },
    );
    const { plan } = result;
    if (result.status === "blocked") {
      out.data({ ...planJson(plan), ok: false });
      throw blockedError(plan);
    }
    const { outcome } = result;
    out.data({ ...planJson(plan), ok: true, outcome });
    const d = outcome.deployment;
    out.success(
      `${incident.ticket}: ${outcome.version} is on ${outcome.env}${outcome.deployHow === "replayed" ? " (already done by an earlier run)" : ""}.`,
    );
    out.fields([
      ...(outcome.merge
        ? ([["merged", `#${plan.pr?.number} → ${incident.base} at ${outcome.merge.sha.slice(0, 12)}`]] as Array<[string, string]>)
        : []),
      ...(outcome.tag ? ([["tag", `${outcome.tag} on ${incident.remote}`]] as Array<[string, string]>) : []),
      ["deployed", `${d.version} with ${d.deployer}${d.url ? ` at ${d.url}` : ""}${d.id ? ` (id ${d.id})` : ""}`],
      ["log", d.logFile],
    ]);
    const config = await app.config();
    const verifiable = config.verify.smoke.length > 0 || config.verify.metrics.length > 0;
    // ship verifies what it just deployed (or what an earlier run deployed and never got a verdict
    // on), unless told not to, there is nothing to check, or a signal came after the deploy.
    if (result.needsVerdict && verifiable && opts.verify !== false && !guard.signal) {
      out.line("");
      out.info(`Verifying ${outcome.version} on ${outcome.env}…`);
      return runVerify({ app, out, args: [], opts: { ticket: incident.ticket, env: outcome.env } });
    }
    if (!verifiable) {
      // `firebreak verify` would only refuse: say what is missing instead of sending the person there.
      out.warn(
        `Nothing is configured to verify ${outcome.env} with (verify.smoke, verify.metrics), so ${outcome.version} was not checked.`,
      );
      out.next(
        outcome.env === "staging"
          ? 'firebreak confirm staging-verified --note "what you checked by hand"   # then: firebreak ship --to production'
          : "add verify.smoke and verify.metrics to .firebreak.yml (docs/verify.md), then: firebreak verify   # if it goes wrong: firebreak rollback",
      );
      return EXIT.ok;
    }
    out.next(
      outcome.env === "staging"
        ? "firebreak verify --env staging   # then: firebreak ship --to production"
        : "firebreak verify   # if it goes wrong: firebreak rollback",
    );
    return EXIT.ok;
  } catch (e) {
    const sig = guard.signal;
    if (!sig) throw e;
    throw interruptedError(sig, e, {
      what: deploying,
      command,
      ambiguousNext: `${command}   # asks the deployer whether it is live first; if it cannot tell: ${command} --redeploy (it is not live) or ${command} --confirm-deployed (it is)`,
    });
  } finally {
    guard.dispose();
  }
}

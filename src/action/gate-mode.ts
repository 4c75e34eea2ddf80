// mode: gate — the deploy gate as a check run on the hotfix PR's head commit, so branch protection
// can require it. The gate's rules are the ones `firebreak ship` applies (domain/gate.ts); its own
// earlier check runs are not read as CI (actionForge leaves them out).

import type { App } from "../app/app.js";
import { DEPLOY_ENVS, type DeployEnv } from "../domain/gate.js";
import { gatherGate } from "../workflow/gate.js";
import { resolveEnv } from "../workflow/ship.js";
import { E, EXIT } from "../errors.js";
import { appendSummary, writeOutputs, type ActionsEnv } from "./environment.js";
import { pullOf } from "./event.js";
import { actionForge, GATE_CHECK } from "./forge.js";
import { gateSummary } from "./summary.js";
import { requireIncident } from "./record.js";
import type { ActionLog } from "./log.js";

export async function runGateMode(app: App, env: ActionsEnv, log: ActionLog): Promise<number> {
  const pull = pullOf(env.eventName, env.event);
  if (!pull) {
    log.warn(`mode gate runs on pull_request or a PR's issue_comment events, not ${env.eventName || "this event"}; nothing to gate.`);
    return EXIT.ok;
  }
  const to = env.input("environment");
  if (to && !(DEPLOY_ENVS as readonly string[]).includes(to))
    throw E.usage(`environment: ${to}: the gate is for staging or production.`, "with:\n  mode: gate\n  environment: production");
  const ignore = env
    .input("ignore-checks")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const forge = actionForge(env, { ignoreChecks: ignore, log: (l) => log.info(l) });
  const facts = pull.headRef && pull.headSha ? null : await forge.pullRequestFacts(pull.number);
  const headRef = pull.headRef ?? facts!.head;
  const incident = await requireIncident(app, env.input("ticket") || undefined, headRef);
  const target = await resolveEnv(app, incident, (to || undefined) as DeployEnv | undefined);
  const { gate, headSha } = await gatherGate(app, incident, target, forge, await app.config());
  const summary = gateSummary(incident.ticket, gate, headSha);
  const unmet = gate.items.filter((i) => !i.met);
  const run = await forge.publishCheckRun({
    name: `${GATE_CHECK} (${target})`,
    headSha: pull.headSha ?? facts!.headSha,
    conclusion: gate.ok ? "success" : "failure",
    title: gate.ok ? `Open for ${target}` : `Closed for ${target}: ${unmet.map((i) => i.label).join(", ")}`,
    summary,
    annotations: [],
  });
  appendSummary(env.summaryPath, summary);
  writeOutputs(env.outputPath, {
    result: gate.ok ? "open" : "closed",
    "check-run-id": String(run.id),
    json: JSON.stringify({ mode: "gate", ticket: incident.ticket, env: target, ok: gate.ok, headSha, items: gate.items }),
  });
  log.line(`${GATE_CHECK} (${target}): ${gate.ok ? "open" : `closed (${unmet.map((i) => i.id).join(", ")})`} on #${pull.number}.`);
  if (!gate.ok) log.line(`Next: ${unmet[0]?.command ?? `firebreak gate --to ${target}`}`);
  return gate.ok ? EXIT.ok : EXIT.blocked;
}

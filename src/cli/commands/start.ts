// firebreak start ENG-1234 "title" --priority P0

import type { CommandInput } from "../run-command.js";
import { applyStart, planStart } from "../../workflow/start.js";
import { timeLeft } from "../../domain/deadline.js";
import { incidentLevelKind } from "../../domain/levels.js";
import { isPrivate } from "../../domain/access.js";
import { splitList, utc } from "../format.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const plan = await planStart(app, {
    ticket: args[0],
    title: args[1],
    priority: typeof opts.priority === "string" ? opts.priority : undefined,
    criteria: splitList(opts.criteria),
    discovered: typeof opts.discovered === "string" ? opts.discovered : undefined,
    base: typeof opts.base === "string" ? opts.base : undefined,
    push: opts.push !== false,
    carryConfig: Boolean(opts.carryConfig),
  });
  for (const w of plan.warnings) out.warn(w);
  const left = timeLeft(plan.deadlineAt, app.clock.now());

  if (opts.dryRun) {
    out.data({ dryRun: true, plan: { ...plan, resume: plan.resume?.id ?? null } });
    out.line(`Plan for ${plan.ticket} (${plan.priority}): nothing has been changed.`);
    out.fields([
      ["fetch", `${plan.remote} ${plan.base}`],
      ["branch", `${plan.branch} from ${plan.remote}/${plan.base}`],
      ["publish", plan.push ? `push ${plan.branch} to ${plan.remote}` : "no (--no-push)"],
      ["deadline", `${utc(plan.deadlineAt)} (${left.text})`],
    ]);
    out.next("run the same command without --dry-run");
    return 0;
  }

  if (plan.resume) out.info(`Resuming the start of ${plan.ticket}, which an earlier run left unfinished.`);
  const incident = await applyStart(app, plan, (m) => out.info(m));
  out.data({ incident, timeLeft: left });
  out.success(`Started ${incident.ticket} (${incident.priority}, ${incidentLevelKind(incident)}): ${incident.title}`);
  out.fields([
    ["branch", `${incident.branch} (from ${incident.remote}/${incident.base}${plan.push ? ", published" : ""})`],
    ["discovered", utc(incident.discoveredAt)],
    ["deadline", `${utc(incident.deadlineAt)} (${left.text})`],
  ]);
  // On a team server a security incident is hidden from everyone but its members and commanders.
  const server = await app.serverIdentity();
  if (server && isPrivate(incident))
    out.line(`  private   only its members (${server.name}, who started it) and commanders see it on ${server.server}`);
  out.next("reproduce it (firebreak confirm reproduced), make the fix with a regression test, then: firebreak check");
  return 0;
}

// A deploy outlives Firebreak: the team's deploy runs in a process group of its own, so when
// `firebreak ship` dies (kill -9, or a hangup: a dropped SSH session) the deploy goes on. The next
// `ship` must never start a second deploy over it. The deploy script logs its own start and end,
// and overlapping intervals are counted.

import { afterEach, describe, it } from "vitest";
import { report } from "./figures.js";
import { overlaps, makeWorld, type World } from "./world.js";
import { spawnCli, waitFor } from "./proc.js";

let w: World | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

const REPAIR = /--resend|--confirm-deployed|--redeploy/;

describe("a deploy that outlives firebreak", () => {
  it.each([
    [5, "SIGKILL"],
    [15, "SIGKILL"],
    [5, "SIGHUP"],
  ] as const)("a %i s deploy, firebreak stopped by %s mid-deploy, then ship again", async (seconds, signal) => {
    w = await makeWorld({ stage: "ready", deploySeconds: seconds });
    const world = w;
    const first = spawnCli(world.fx.work, ["ship", "--no-verify"], world.env);
    const started = await waitFor(() => world.deploys().length > 0, 90_000);
    first.child.kill(signal);
    await first.done;
    const notes = started ? [] : ["the deploy never started"];
    let runs = 1;
    let completed = false;
    let manualRepairs = 0;
    for (let i = 0; i < 3 && !completed; i++) {
      const r = await world.cli(["ship", "--no-verify"]);
      runs++;
      completed = r.code === 0;
      if (!completed) notes.push(`run ${runs}: exit ${r.code}: ${r.stderr.trim().split("\n").slice(0, 3).join(" | ")}`);
      if (!completed && REPAIR.test(r.stdout + r.stderr)) {
        // The deploy's own end can be watched for: asking a person is a repair the world could answer.
        manualRepairs = 1;
        break;
      }
    }
    // Let every deploy that is still running finish (bounded), so each interval is complete.
    await waitFor(() => world.deploys().every((d) => d.end !== null), (seconds + 20) * 1000);
    const ds = world.deploys();
    for (const d of ds)
      notes.push(
        `deploy ${d.version} pid ${d.pid}: ${new Date(d.start).toISOString()} → ${d.end ? new Date(d.end).toISOString() : "no end"}${d.stopped ? " (stopped)" : ""}`,
      );
    const finished = ds.filter((d) => d.end !== null && !d.stopped).length;
    report({
      group: "deploy outlives firebreak",
      scenario: `${seconds} s deploy, ${signal}`,
      runs,
      overlaps: overlaps(ds),
      duplicates: Math.max(0, finished - 1),
      manualRepairs,
      atIntent: world.effects().filter((e) => e.state === "intent").length,
      notResumable: completed || manualRepairs ? 0 : 1,
      notes,
    });
  });
});

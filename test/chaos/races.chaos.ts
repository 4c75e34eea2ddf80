// Two runs at once: two processes in one clone, and two clones sharing one store. The first is
// held mid-step (its deploy, or its push, waits on a file); the second must be refused and must
// name who holds the incident. "both proceeded" counts a second run that did the work too.

import { afterEach, describe, it } from "vitest";
import { join } from "node:path";
import { report } from "./figures.js";
import { holdPushes, makeWorld, TICKET, type World } from "./world.js";
import { spawnCli, waitFor, within, type Running } from "./proc.js";
import { gitIn } from "../helpers/git-fixture.js";
import { HOTFIX, makeCliFixture, type CliFixture } from "../backport/cli-fixture.js";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const NAMES_HOLDER = /locked by .*(pid \d+|run by)/s;

let w: World | undefined;
let bp: CliFixture | undefined;
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) r.child.kill("SIGKILL");
  await w?.cleanup();
  bp?.cleanup();
  w = undefined;
  bp = undefined;
});

/** A second run: refused (it exits) or proceeding (it reaches the held step too). */
async function second(r: Running, reachedHeldStep: () => boolean): Promise<{ proceeded: boolean; named: boolean; text: string }> {
  running.push(r);
  await waitFor(async () => reachedHeldStep() || (await within(r, 1)) !== null, 60_000);
  const ended = await within(r, 1);
  const text = r.output();
  return { proceeded: reachedHeldStep() || ended?.code === 0, named: NAMES_HOLDER.test(text), text };
}

describe("two runs at once", () => {
  it.each([
    ["ship", ["ship", "--no-verify"], "ready"],
    ["rollback", ["rollback", "--strategy", "previous"], "shipped"],
  ] as const)("two processes racing %s in one clone", async (name, args, stage) => {
    w = await makeWorld({ stage });
    const world = w;
    world.hold();
    const first = spawnCli(world.fx.work, [...args], world.env);
    running.push(first);
    await waitFor(() => world.deploys().length > 0, 90_000);
    const b = await second(spawnCli(world.fx.work, [...args], world.env), () => world.deploys().length > 1);
    world.release();
    const a = await first.done;
    await waitFor(() => world.deploys().every((d) => d.end !== null), 30_000);
    report({
      group: "races",
      scenario: `two processes: ${name}`,
      runs: 2,
      bothProceeded: b.proceeded ? 1 : 0,
      unnamedHolder: b.named ? 0 : 1,
      notResumable: a.code === 0 ? 0 : 1,
      notes: [
        `second run: ${b.text.trim().split("\n").slice(-4).join(" | ")}`,
        `first run exit ${a.code}: ${a.stderr.trim().split("\n").slice(-3).join(" | ")}`,
      ],
    });
  });

  /** A second clone of the origin on the incident's branch: another person's checkout. */
  const secondClone = (root: string, origin: string, branch: string): string => {
    const clone = join(root, "clone2");
    gitIn(root, ["clone", "-q", origin, clone]);
    gitIn(clone, ["checkout", "-q", branch]);
    gitIn(clone, ["config", "user.name", "Other Author"]);
    gitIn(clone, ["config", "user.email", "other@example.test"]);
    return clone;
  };

  it.each([
    ["ship", ["ship", "--no-verify"], "ready"],
    ["rollback", ["rollback", "--strategy", "previous"], "shipped"],
  ] as const)("two clones on one store racing %s", async (name, args, stage) => {
    w = await makeWorld({ stage });
    const world = w;
    const clone = secondClone(world.fx.root, world.fx.origin, world.fx.git("rev-parse", "--abbrev-ref", "HEAD"));
    const shared = { ...world.env, FIREBREAK_DB: world.dbPath };
    world.hold();
    const first = spawnCli(world.fx.work, [...args], shared);
    running.push(first);
    await waitFor(() => world.deploys().length > 0, 90_000);
    const b = await second(spawnCli(clone, [...args], shared), () => world.deploys().length > 1);
    world.release();
    const a = await first.done;
    await waitFor(() => world.deploys().every((d) => d.end !== null), 30_000);
    report({
      group: "races",
      scenario: `two clones, one store: ${name}`,
      runs: 2,
      bothProceeded: b.proceeded ? 1 : 0,
      unnamedHolder: b.named ? 0 : 1,
      notResumable: a.code === 0 ? 0 : 1,
      notes: [
        `second run: ${b.text.trim().split("\n").slice(-4).join(" | ")}`,
        `first run exit ${a.code}: ${a.stderr.trim().split("\n").slice(-3).join(" | ")}`,
      ],
    });
  });

  it.each(["two processes", "two clones, one store"] as const)("%s racing backport", async (how) => {
    bp = await makeCliFixture();
    const fx = bp;
    fx.git("push", "-q", "origin", HOTFIX);
    const otherCwd = how === "two processes" ? fx.work : secondClone(fx.root, fx.origin, HOTFIX);
    const shared = { FIREBREAK_DB: join(fx.work, ".git", "firebreak", "firebreak.db") };
    const dir = join(fx.root, "hold");
    holdPushes(fx.origin, dir);
    const pids = () =>
      existsSync(join(dir, "hook.pids")) ? readFileSync(join(dir, "hook.pids"), "utf8").split("\n").filter(Boolean).length : 0;
    writeFileSync(join(dir, "hold"), "");
    const first = spawnCli(fx.work, ["backport"], shared);
    running.push(first);
    await waitFor(() => pids() > 0, 90_000);
    const b = await second(spawnCli(otherCwd, ["backport"], shared), () => pids() > 1);
    rmSync(join(dir, "hold"), { force: true });
    const a = await first.done;
    const bEnd = await within(running[running.length - 1]!, 60_000);
    const prs = Object.values(fx.prs());
    const numbers = new Set(prs.map((p) => p.number)).size;
    report({
      group: "races",
      scenario: `${how}: backport`,
      runs: 2,
      bothProceeded: b.proceeded ? 1 : 0,
      unnamedHolder: b.named ? 0 : 1,
      duplicates: prs.length - numbers,
      notResumable: a.code === 0 || bEnd?.code === 0 ? 0 : 1,
      notes: [
        `second run: ${b.text.trim().split("\n").slice(-4).join(" | ")}`,
        `first run exit ${a.code}: ${a.stderr.trim().split("\n").slice(-3).join(" | ")}`,
        `PRs ${prs.map((p) => `${p.base}#${p.number}`).join(", ")} (${TICKET})`,
      ],
    });
  });
});

// The baseline sampled in the background: `firebreak pr` starts it, the gate reads what it has so
// far, ship takes it (no waiting) and stops it; it also stops itself when its files are removed.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ShipFixture } from "../ship/fixture.js";
import { watchedShips } from "./watched-ship.js";

const watched = watchedShips();

const samplerDir = (f: ShipFixture) => join(f.fx.work, ".git", "firebreak", "sampler");
const pidOf = (f: ShipFixture): number | null => {
  try {
    return (JSON.parse(readFileSync(join(samplerDir(f), "production.pid"), "utf8")) as { pid: number }).pid;
  } catch {
    return null;
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Waits (bounded) until `ok` holds. */
async function until(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const readings = (f: ShipFixture) => {
  try {
    return readFileSync(join(samplerDir(f), "production.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe("the background baseline sampler", () => {
  it("starts at pr; the gate sees what it sampled; ship takes it without waiting and stops it", async () => {
    // baselineSeconds 30: sampling at ship time would say so, and take 30 s.
    const { f } = await watched({ rate: 2000, intervalSeconds: 0.3, baselineSeconds: 30, baselineMaxSeconds: 30 });
    await until(() => pidOf(f) !== null, "the sampler's pid file");
    const pid = pidOf(f)!;
    expect(alive(pid)).toBe(true);
    await until(() => readings(f) >= 20, "some readings");

    const dry = (await f.cli(["ship", "--dry-run", "--json"])).json();
    const watch = dry.gate.items.find((i: { id: string }) => i.id === "watch");
    expect(watch.met, watch.detail).toBe(true);

    const r = await f.cli(["ship", "--no-verify"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // baselineSeconds is 30: sampling at ship time would have said so and taken 30 s.
    expect(r.stderr).toContain("Using the production baseline sampled in the background");
    expect(r.stderr).not.toContain("Sampling error rate before the deploy");
    await until(() => !alive(pid), "the sampler to stop");
    expect(existsSync(join(samplerDir(f), "production.pid"))).toBe(false);
  });

  it("stops by itself when its files are removed", async () => {
    const { f } = await watched({ rate: 200, intervalSeconds: 0.3 });
    await until(() => pidOf(f) !== null, "the sampler's pid file");
    const pid = pidOf(f)!;
    rmSync(samplerDir(f), { recursive: true, force: true });
    await until(() => !alive(pid), "the sampler to notice");
  });
});

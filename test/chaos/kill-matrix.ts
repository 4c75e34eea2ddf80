// kill -9 at every journaled effect. The kill points are not listed here: a clean run of the
// command writes them to the journal (its effect.intent events), and each is then killed at both
// of its crash points (src/workflow/crash-point.ts) in a fresh fixture, and the same command is
// run again until it completes (at most RERUNS times). The figures come from the outside world
// compared with the clean run's: a bare origin, the deploy script's log, receivers, files.

import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import type { CliResult } from "../helpers/cli.js";
import { killOwn } from "../helpers/own-process.js";
import type { Row } from "./figures.js";

export interface Target {
  /** The folder holding everything the fixture wrote (repos, database, deploy log, files). */
  root: string;
  /** Forgets what the in-process receivers saw (after the folder was restored). */
  resetWorld?(): void;
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  witnesses(): Record<string, number> | Promise<Record<string, number>>;
  events(): Promise<{ seq: number; kind: string; hash?: string; data: Record<string, any> }[]>;
  effects(): { key: string; state: string }[];
  cleanup(): Promise<void>;
}

export interface Subject {
  group: string;
  command: string[];
  make(): Promise<Target>;
  /** Effects the world cannot be asked about (a chat webhook, SMTP): a person settles those. */
  unaskable?: RegExp;
}

export interface Discovered {
  keys: string[];
  baseline: Record<string, number>;
}

export const POINTS = ["after-intent", "after-perform"] as const;
const RERUNS = 3;
const REPAIR = /--resend|--confirm-deployed|--redeploy/;

/**
 * A fixture built once and copied back into place before each scenario (same paths, so the
 * config, the remotes and the record stay valid): building it costs a dozen CLI runs.
 */
export interface Prepared {
  subject: Subject;
  found: Discovered;
  killAt(key: string, point: (typeof POINTS)[number]): Promise<Row>;
  cleanup(): Promise<void>;
}

export async function prepare(s: Subject): Promise<Prepared> {
  const t = await s.make();
  const snap = `${t.root}.snapshot`;
  cpSync(t.root, snap, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  const fresh = async (): Promise<Target> => {
    await settle(t.root);
    rmSync(t.root, { recursive: true, force: true });
    cpSync(snap, t.root, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    t.resetWorld?.();
    return t;
  };
  try {
    const found = await discover(s, await fresh());
    return {
      subject: s,
      found,
      killAt: async (key, point) => killAt(s, found, await fresh(), key, point),
      async cleanup() {
        await settle(t.root);
        rmSync(snap, { recursive: true, force: true });
        await t.cleanup();
      },
    };
  } catch (e) {
    rmSync(snap, { recursive: true, force: true });
    await t.cleanup();
    throw e;
  }
}

/** Stops deploys a killed run left behind (their pids are in the deploy log) before the folder goes. */
async function settle(root: string): Promise<void> {
  const log = `${root}/deploy/deploys.log`;
  if (!existsSync(log)) return;
  for (const l of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
    // Only a deploy still running this world's script: a pid whose process is gone may be anyone's.
    killOwn((JSON.parse(l) as { pid: number }).pid, `${root}/deploy`);
  }
}

/** Runs the command once, undisturbed: the keys it journals and what the world saw. */
async function discover(s: Subject, t: Target): Promise<Discovered> {
  {
    const before = Math.max(0, ...(await t.events()).map((e) => e.seq));
    const r = await t.run(s.command);
    if (r.code !== 0) throw new Error(`clean run of firebreak ${s.command.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    const keys = (await t.events()).filter((e) => e.seq > before && e.kind === "effect.intent").map((e) => String(e.data.key));
    return { keys: [...new Set(keys)], baseline: await t.witnesses() };
  }
}

/** Kills the command at `key`/`point`, runs it again until it completes, and counts. */
async function killAt(s: Subject, d: Discovered, t: Target, key: string, point: (typeof POINTS)[number]): Promise<Row> {
  const notes: string[] = [];
  {
    const killed = await t.run(s.command, { FIREBREAK_CRASH_AT: `${key}:${point}` });
    let runs = 1;
    if (killed.signal !== "SIGKILL") notes.push(`not killed (exit ${killed.code}): the run did not reach ${key}`);
    const seen = await t.events();
    let last = killed;
    let completed = false;
    for (let i = 0; i < RERUNS && !completed; i++) {
      last = await t.run(s.command);
      runs++;
      completed = last.code === 0;
      if (!completed && REPAIR.test(last.stdout + last.stderr)) break;
    }
    const lastText = `${last.stdout}\n${last.stderr}`;
    if (!completed) notes.push(`last run exit ${last.code}: ${lastText.trim().split("\n").slice(-6).join(" | ")}`);

    const after = await t.events();
    const same = (a: { seq: number; kind: string; hash?: string }, b: { seq: number; kind: string; hash?: string }) =>
      a.seq === b.seq && a.kind === b.kind && (a.hash ?? "") === (b.hash ?? "");
    let lostEvents = seen.filter((e) => !after.some((x) => same(e, x))).length;
    const seqs = after.map((e) => e.seq);
    if (seqs.some((q, i) => q !== i + 1)) lostEvents++, notes.push("timeline has a gap in its sequence");
    const verify = await t.run(["log", "--verify"]);
    if (verify.code !== 0) lostEvents++, notes.push(`log --verify: ${verify.stderr.trim()}`);

    const effects = t.effects();
    const atIntent = effects.filter((e) => e.state === "intent");
    const possibly = effects.filter((e) => e.state === "possibly-done");
    const unaskable = (k: string) => Boolean(s.unaskable?.test(k));
    const held = possibly.filter((e) => unaskable(e.key)).length;
    let manualRepairs = possibly.filter((e) => !unaskable(e.key)).length;
    if (manualRepairs === 0 && held === 0 && !completed && REPAIR.test(lastText)) manualRepairs = 1;
    for (const e of [...atIntent, ...possibly]) notes.push(`effect ${e.key} left ${e.state}`);

    const world = await t.witnesses();
    let duplicates = 0;
    let notDone = 0;
    for (const k of new Set([...Object.keys(world), ...Object.keys(d.baseline)])) {
      const diff = (world[k] ?? 0) - (d.baseline[k] ?? 0);
      if (diff > 0) (duplicates += diff), notes.push(`${k}: ${world[k]} (clean run: ${d.baseline[k] ?? 0})`);
      // What an unconfirmable send held back is the person's to settle, not a loss.
      if (diff < 0 && held === 0) (notDone -= diff), notes.push(`${k}: ${world[k] ?? 0} (clean run: ${d.baseline[k]})`);
    }
    return {
      group: s.group,
      scenario: `${key.replace(/\b([0-9a-f]{7})[0-9a-f]{33}\b/g, "$1")} ${point}`,
      runs,
      duplicates,
      lostEvents,
      atIntent: atIntent.length,
      notDone,
      manualRepairs,
      held,
      notResumable: completed || manualRepairs || held ? 0 : 1,
      notes,
    };
  }
}

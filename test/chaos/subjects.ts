// What each kill -9 matrix runs: a fresh fixture per kill point, made ready for one command.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { makeWorld, resetReceivers, saveReceivers, type World, type WorldOptions } from "./world.js";
import type { Subject, Target } from "./kill-matrix.js";
import { makeCliFixture, TICKET as BP_TICKET } from "../backport/cli-fixture.js";
import { ALL_CHANNELS, setupAnnounce } from "../announce/fixture.js";
import { makeIncident, shipAndVerify } from "../review/fixture.js";
import { openStore } from "../../src/store/open-store.js";
import { RecordMirror } from "../../src/store/mirror.js";
import { serverKey } from "../../src/app/server-login.js";

// A chat webhook and SMTP cannot be asked whether a message arrived.
export const UNASKABLE = /^announce:[^:]+:(slack|teams|webhook|email)/;

function effectsIn(dbPath: string): { key: string; state: string }[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("select key, state from effects").all() as { key: string; state: string }[];
  } finally {
    db.close();
  }
}

export const worldTarget = (w: World): Target => ({
  root: w.fx.root,
  resetWorld: () => resetReceivers(w.rx, w.mail),
  run: (args, env) => w.cli(args, { env: env ?? {} }),
  witnesses: () => w.witnesses(),
  events: () => w.events(),
  effects: () => w.effects(),
  cleanup: () => w.cleanup(),
});

export const SHIP_WORLD: WorldOptions = { stage: "ready", channels: ["slack", "statuspage", "staticPage", "email"], autoAnnounce: true };

export const ship: Subject = {
  group: "kill -9: ship",
  command: ["ship", "--no-verify"],
  make: async () => worldTarget(await makeWorld(SHIP_WORLD)),
  unaskable: UNASKABLE,
};

const FLAG = `rollback:\n  flag:\n    env: { name: FEATURE_FIX_ENABLED, value: "false" }\n`;
export const rollback = (strategy: "revert" | "previous" | "flag"): Subject => ({
  group: `kill -9: rollback --strategy ${strategy}`,
  command: ["rollback", "--strategy", strategy, "--reason", "error rate up"],
  make: async () => worldTarget(await makeWorld({ stage: "shipped", ...(strategy === "flag" ? { extraConfig: () => FLAG } : {}) })),
  // A variable set through the deployer is a redeploy no status can see: a person settles it.
  ...(strategy === "flag" ? { unaskable: /^rollback\.flag:/ } : {}),
});

/** commit with the fix staged: the commit is a journaled effect (a kill after `git commit` is adopted, not repeated). */
export const commit: Subject = {
  group: "kill -9: commit",
  command: ["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"],
  make: async () => worldTarget(await makeWorld({ stage: "staged" })),
};

export const pr: Subject = { group: "kill -9: pr", command: ["pr"], make: async () => worldTarget(await makeWorld({ stage: "fixed" })) };

export const backport: Subject = {
  group: "kill -9: backport",
  command: ["backport"],
  async make() {
    const fx = await makeCliFixture();
    return {
      root: fx.root,
      run: (args, env) => fx.cli(args, env),
      witnesses() {
        const counts: Record<string, number> = {};
        for (const p of fx.pushes()) counts[`push ${p}`] = (counts[`push ${p}`] ?? 0) + 1;
        const prs = Object.values(fx.prs());
        counts["backport PRs"] = prs.length;
        counts["backport PR numbers"] = new Set(prs.map((p) => p.number)).size;
        return counts;
      },
      events: async () => (await fx.cli(["log", "--json", BP_TICKET])).json().events,
      effects: () => effectsIn(join(fx.work, ".git", "firebreak", "firebreak.db")),
      cleanup: async () => fx.cleanup(),
    };
  },
};

/** A stage announced on every channel; `after` stages were sent before (a later stage updates them). */
export const announce = (stage: string, after: string[] = []): Subject => ({
  group: `kill -9: announce --stage ${stage}${after.length ? ` (after ${after.join(", ")})` : ""}`,
  command: ["announce", "--stage", stage],
  unaskable: UNASKABLE,
  async make() {
    const f = await setupAnnounce({ notify: ALL_CHANNELS });
    for (const earlier of after) {
      const r = await f.cli(["announce", "--stage", earlier]);
      if (r.code !== 0) throw new Error(`announce --stage ${earlier}: ${r.stderr}`);
    }
    // Counted from here on.
    const saved = saveReceivers(f.rx);
    resetReceivers(f.rx, f.mail, saved);
    return {
      root: f.fx.root,
      resetWorld: () => resetReceivers(f.rx, f.mail, saved),
      run: (args, env) => f.cli(args, env),
      witnesses() {
        const counts: Record<string, number> = {};
        const add = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
        for (const r of f.rx.requests) if (r.method !== "GET") add(`${r.path.split("/")[1]} ${r.method}`);
        for (const m of f.mail.messages) for (const to of m.to) add(`mail to ${to}`);
        counts["statuspage incidents"] = f.rx.incidentsOnPage().length;
        const page = join(f.statusDir, "index.html");
        counts[`status page shows ${stage}`] = existsSync(page) && new RegExp(stage, "i").test(readFileSync(page, "utf8")) ? 1 : 0;
        counts["stray files in the status page folder"] = existsSync(f.statusDir)
          ? readdirSync(f.statusDir).filter((n) => n.endsWith(".tmp")).length
          : 0;
        return counts;
      },
      events: async () => (await f.cli(["log", "--json"])).json().events,
      effects: () => effectsIn(join(f.fx.work, ".git", "firebreak", "firebreak.db")),
      cleanup: () => f.cleanup(),
    };
  },
});

/** pr after a further fix commit: the push of the new head and the PR's update. */
export const prUpdate: Subject = {
  group: "kill -9: pr (update)",
  command: ["pr"],
  async make() {
    const w = await makeWorld({ stage: "pr" });
    w.fx.write("src/auth.js", 'export function check(t) {\n  return typeof t.exp === "number" && t.exp > Date.now() / 1000;\n}\n');
    await w.ok(["check"]);
    w.fx.git("add", "-A");
    await w.ok(["commit", "--what", "a token without exp got 200", "--root-cause", "exp was not checked for presence"]);
    return worldTarget(w);
  },
};

export const followups: Subject = {
  group: "kill -9: followups",
  command: ["followups"],
  async make() {
    const f = await makeIncident();
    await f.ok(["action", "add", "Alert on token expiry errors", "--owner", "dana", "--due", "2026-12-01", "--kind", "monitoring"]);
    await f.ok(["action", "add", "Remove the temporary cache bypass", "--owner", "raj", "--due", "2026-12-03"]);
    await shipAndVerify(f);
    const file = join(f.fx.work, ".git", "firebreak", "followups", "ENG-1234.md");
    return {
      root: f.fx.root,
      run: (args, env) => f.fb(args, { env: env ?? {} }),
      witnesses() {
        const text = existsSync(file) ? readFileSync(file, "utf8") : "";
        const counts: Record<string, number> = {};
        for (const h of text.split("\n").filter((l) => l.startsWith("## "))) counts[h] = (counts[h] ?? 0) + 1;
        return counts;
      },
      events: async () => (await f.fb(["log", "--json"])).json().events,
      effects: () => effectsIn(join(f.fx.work, ".git", "firebreak", "firebreak.db")),
      cleanup: async () => f.fx.cleanup(),
    };
  },
};

/**
 * ship --offline on a clone logged in to a team server that does not answer: the world's incident
 * becomes this clone's copy of the server's record (as the last command that reached the server
 * would have left it), and every run works on the offline record, its steps kept for upload.
 */
export const shipOffline: Subject = {
  group: "kill -9: ship --offline (team server down)",
  command: ["ship", "--no-verify", "--offline", "--reason", "the team server is down"],
  async make() {
    const w = await makeWorld({ stage: "ready" });
    // Port 9 (discard) on 127.0.0.1: nothing listens, so every call is refused at once.
    const server = "http://127.0.0.1:9";
    const key = serverKey(server);
    const config = join(w.fx.root, "config");
    mkdirSync(join(config, "firebreak"), { recursive: true });
    writeFileSync(
      join(config, "firebreak", "credentials.json"),
      JSON.stringify({ servers: { [server]: { token: "fbk_chaos_offline_token", name: "tester", role: "commander", kind: "person" } } }),
      { mode: 0o600 },
    );
    const store = await openStore({ sqlitePath: w.dbPath });
    try {
      const mirror = new RecordMirror(join(w.fx.work, ".git", "firebreak", "mirror", key));
      for (const i of await store.listIncidents({ all: true }))
        mirror.saveTimeline(i, await store.timeline(i.id), await store.listEffects(i.id), new Date());
    } finally {
      await store.close();
    }
    Object.assign(w.env, { XDG_CONFIG_HOME: config, FIREBREAK_SERVER: server });
    return { ...worldTarget(w), effects: () => effectsIn(join(w.fx.work, ".git", "firebreak", "offline", `${key}.db`)) };
  },
};

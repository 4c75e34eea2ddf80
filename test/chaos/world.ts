// A repository with an incident at a chosen stage, and the world around it that counts what
// Firebreak did from the outside: the bare origin logs every ref update it receives, the team's
// deploy script logs the start and end of every deploy (with its pid, so overlaps show), and the
// announcement channels are real HTTP/SMTP receivers on 127.0.0.1. Every process started here is
// stopped by cleanup().

import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "vitest";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { killOwn } from "../helpers/own-process.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { MailServer, Receivers } from "../announce/receivers.js";

export const TICKET = "ENG-1234";

// The team's deploy: log the start, take `seconds`, make the version live, log the end. A signal
// it receives is logged too (the deploy was stopped, not finished).
const DEPLOY = `import { appendFileSync, existsSync, writeFileSync } from "node:fs";
const [dir, seconds] = process.argv.slice(2);
const version = process.env.FIREBREAK_VERSION;
const flag = process.env.FEATURE_FIX_ENABLED ?? "";
const line = (what) => appendFileSync(dir + "/deploys.log", JSON.stringify({ what, at: Date.now(), pid: process.pid, version, flag }) + "\\n");
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => { line("stopped"); process.exit(143); });
line("start");
console.log("deploying " + version);
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
// A test holds the deploy mid-run while a file "hold" exists (bounded).
for (let i = 0; i < 1200 && existsSync(dir + "/hold"); i++) await new Promise((r) => setTimeout(r, 100));
writeFileSync(dir + "/live", version + "\\n");
line("end");
console.log("deployed " + version);
`;

// A step a test can hold mid-run (a check's test command, a git hook): it writes its pid to
// <dir>/<name>.pids, then waits while <dir>/hold exists (bounded).
const HOLD = `import { appendFileSync, existsSync } from "node:fs";
const [dir, name] = process.argv.slice(2);
appendFileSync(dir + "/" + name + ".pids", process.pid + "\\n");
for (let i = 0; i < 1200 && existsSync(dir + "/hold"); i++) await new Promise((r) => setTimeout(r, 100));
`;

/** Makes every push to `origin` wait in a pre-receive hook while <dir>/hold exists. */
export function holdPushes(origin: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hold.mjs"), HOLD);
  const hook = join(origin, "hooks", "pre-receive");
  writeFileSync(hook, `#!/bin/sh\ncat >/dev/null\nexec "${process.execPath}" "${dir}/hold.mjs" "${dir}" hook\n`);
  chmodSync(hook, 0o755);
}

const STATUS = `import { existsSync, readFileSync } from "node:fs";
const f = process.argv[2] + "/live";
console.log(existsSync(f) ? readFileSync(f, "utf8").trim() : "none");
`;

export interface DeployRecord {
  pid: number;
  version: string;
  flag: string;
  start: number;
  end: number | null; // null: never logged its end (still running, or killed outright)
  stopped: boolean;
}

/** How far the incident is taken before the command under test: "staged" stops with the fix staged, uncommitted. */
export type Stage = "staged" | "fixed" | "pr" | "ready" | "shipped";

export interface WorldOptions {
  stage: Stage;
  /** Seconds each deploy takes. */
  deploySeconds?: number;
  /** Adds notify: with these channels (and notify.auto.ship: monitoring when autoAnnounce). */
  channels?: ("slack" | "teams" | "statuspage" | "staticPage" | "email" | "webhook")[];
  autoAnnounce?: boolean;
  /** More .firebreak.yml (top-level keys). */
  extraConfig?: (w: { root: string; deployDir: string }) => string;
  /** The check's test command (default: node -e 0). */
  checks?: (w: { deployDir: string }) => string;
  /** Extra environment for every run (secrets). */
  env?: Record<string, string>;
}

export interface World {
  fx: GitFixture;
  rx: Receivers;
  mail: MailServer;
  deployDir: string;
  env: Record<string, string>;
  cli(args: string[], opts?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<CliResult>;
  ok(args: string[]): Promise<CliResult>;
  pushes(): string[];
  deploys(): DeployRecord[];
  /** What the outside world counted, by witness. */
  witnesses(): Record<string, number>;
  events(): Promise<{ seq: number; kind: string; hash: string; data: Record<string, any> }[]>;
  effects(): { key: string; state: string }[];
  dbPath: string;
  /** Holds the deploy (and every hold.mjs step) mid-run until release(). */
  hold(): void;
  release(): void;
  /** Pids hold.mjs steps named `name` wrote. */
  held(name: string): number[];
  cleanup(): Promise<void>;
}

export const SLACK_PATH = "T0001/B0001/Zq8SeCrEtHoOkPaTh4417";

export function channelsYaml(channels: NonNullable<WorldOptions["channels"]>, root: string, rx: Receivers, mail: MailServer): string {
  const parts: Record<string, string> = {
    slack: "  slack:\n    webhook: env:CHAT_URL_SLACK\n",
    teams: "  teams:\n    webhook: env:TEAMS_ENDPOINT\n",
    statuspage: `  statuspage:\n    apiKey: env:SP_KEY\n    pageId: page1\n    apiUrl: ${rx.url}/statuspage/v1\n`,
    staticPage: `  staticPage:\n    dir: ${root}/status-site\n`,
    email: `  email:\n    from: status@acme.test\n    recipientsFile: ${root}/recipients.txt\n    batchSize: 2\n    smtp: { host: 127.0.0.1, port: ${mail.port}, secure: false }\n`,
    webhook: "  webhook:\n    url: env:GENERIC_ENDPOINT\n",
  };
  return `  timeoutSeconds: 3\n  maxRetryWaitSeconds: 2\n${channels.map((c) => parts[c]).join("")}`;
}

export async function makeWorld(opts: WorldOptions): Promise<World> {
  const rx = new Receivers();
  const mail = new MailServer();
  await rx.start();
  await mail.start();
  const fx = makeRepo();
  const deployDir = join(fx.root, "deploy");
  mkdirSync(deployDir, { recursive: true });
  writeFileSync(join(deployDir, "deploy.mjs"), DEPLOY);
  writeFileSync(join(deployDir, "status.mjs"), STATUS);
  writeFileSync(join(deployDir, "hold.mjs"), HOLD);
  writeFileSync(join(deployDir, "live"), "v1.4.2\n");
  writeFileSync(join(fx.root, "recipients.txt"), "ana@customer.test\nbo@customer.test\ncy@customer.test\n");
  const env: Record<string, string> = {
    CHAT_URL_SLACK: `${rx.url}/slack/hook/${SLACK_PATH}`,
    TEAMS_ENDPOINT: `${rx.url}/teams/webhookb2/7f3e9c1d-SeCrEt-teams-5531`,
    GENERIC_ENDPOINT: `${rx.url}/hook/h-9Xy7SeCrEtReCeIvEr`,
    SP_KEY: rx.statuspageKey,
    ...opts.env,
  };
  const cli: World["cli"] = (args, o = {}) =>
    firebreak(o.cwd ?? fx.work, args, { env: { ...env, ...o.env }, timeoutMs: o.timeoutMs ?? 90_000 });
  const dbPath = join(fx.origin, "..", "work", ".git", "firebreak", "firebreak.db");
  const pushLog = join(fx.root, "pushes.log");
  const deployLog = join(deployDir, "deploys.log");
  const w: World = {
    fx,
    rx,
    mail,
    deployDir,
    env,
    dbPath,
    cli,
    async ok(args) {
      const r = await cli(args);
      expect(r.code, `firebreak ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r;
    },
    pushes: () => (existsSync(pushLog) ? readFileSync(pushLog, "utf8").split("\n").filter(Boolean) : []),
    deploys() {
      const lines = existsSync(deployLog)
        ? readFileSync(deployLog, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
      const byPid = new Map<number, DeployRecord>();
      for (const l of lines) {
        if (l.what === "start") byPid.set(l.pid, { pid: l.pid, version: l.version, flag: l.flag, start: l.at, end: null, stopped: false });
        const d = byPid.get(l.pid);
        if (d && l.what !== "start") {
          d.end = l.at;
          d.stopped = l.what === "stopped";
        }
      }
      return [...byPid.values()];
    },
    witnesses() {
      const counts: Record<string, number> = {};
      const add = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
      for (const ref of w.pushes()) add(`push ${ref}`);
      const merges = gitIn(fx.origin, ["rev-list", "--merges", "main"]);
      add("merge commits on main", merges ? merges.split("\n").length : 0);
      const reverts = gitIn(fx.origin, ["log", "--format=%s", "main"])
        .split("\n")
        .filter((s) => s.startsWith("Revert"));
      add("revert commits on main", reverts.length);
      // A fix committed twice would show as a second "fix: " commit on the hotfix branch (checked out in work).
      const fixes = gitIn(fx.work, ["log", "--format=%s", "HEAD"])
        .split("\n")
        .filter((subject) => subject.startsWith("fix: "));
      add("fix commits on the hotfix branch", fixes.length);
      for (const d of w.deploys()) add(`deploy ${d.version}${d.flag ? ` flag=${d.flag}` : ""}`);
      for (const r of rx.requests) {
        const to = r.path.startsWith("/slack/")
          ? "slack"
          : r.path.startsWith("/teams/")
            ? "teams"
            : r.path.startsWith("/hook/")
              ? "webhook"
              : r.path.startsWith("/statuspage/")
                ? "statuspage"
                : "other";
        if (r.method !== "GET")
          add(`${to} ${r.method}${to === "statuspage" && r.json?.incident?.status ? ` ${r.json.incident.status}` : ""}`);
      }
      for (const m of mail.messages) for (const to of m.to) add(`mail to ${to}`);
      return counts;
    },
    async events() {
      const r = await cli(["log", "--json", TICKET]);
      expect(r.code, r.stderr).toBe(0);
      return r.json().events;
    },
    effects() {
      if (!existsSync(dbPath)) return [];
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare("select key, state from effects").all() as { key: string; state: string }[];
      } finally {
        db.close();
      }
    },
    hold: () => writeFileSync(join(deployDir, "hold"), ""),
    release: () => rmSync(join(deployDir, "hold"), { force: true }),
    held: (name) =>
      existsSync(join(deployDir, `${name}.pids`))
        ? readFileSync(join(deployDir, `${name}.pids`), "utf8")
            .split("\n")
            .filter(Boolean)
            .map(Number)
        : [],
    async cleanup() {
      w.release();
      // Only processes still running this world's scripts: a pid whose process is gone may be anyone's.
      for (const pid of [...w.held("check"), ...w.held("hook")]) killOwn(pid, deployDir);
      // A deploy that outlived the test's runs is stopped.
      for (const d of w.deploys()) if (d.end === null) killOwn(d.pid, deployDir);
      await rx.stop();
      await mail.stop();
      fx.cleanup();
    },
  };
  try {
    const notify = opts.channels?.length
      ? `notify:\n${opts.autoAnnounce ? "  auto: { ship: monitoring }\n" : ""}${channelsYaml(opts.channels, fx.root, rx, mail)}`
      : "";
    const deployCmd = `node ${deployDir}/deploy.mjs ${deployDir} ${opts.deploySeconds ?? 0}`;
    const config =
      `checks:\n  test: ${JSON.stringify(opts.checks?.({ deployDir }) ?? "node -e 0")}\n` +
      `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(deployCmd)}\n    status: ${JSON.stringify(`node ${deployDir}/status.mjs ${deployDir}`)}\n` +
      notify +
      (opts.extraConfig?.({ root: fx.root, deployDir }) ?? "");
    fx.commit("chore: firebreak config", { ".firebreak.yml": config });
    fx.git("push", "-q", "origin", "main");
    await w.ok(["start", TICKET, "Expired tokens accepted", "--priority", "P0"]);
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    await w.ok(["check"]);
    fx.git("add", "-A");
    if (opts.stage !== "staged") await w.ok(["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"]);
    if (opts.stage !== "fixed" && opts.stage !== "staged") await w.ok(["pr"]);
    if (opts.stage === "ready" || opts.stage === "shipped") {
      await w.ok(["approve", "--by", "Dana"]);
      await w.ok(["confirm", "oncall-notified"]);
      await w.ok(["confirm", "monitoring"]);
    }
    if (opts.stage === "shipped") await w.ok(["ship", "--no-verify"]);
    // Counted from here on: what the command under test does.
    const hook = join(fx.origin, "hooks", "post-receive");
    writeFileSync(hook, `#!/bin/sh\nwhile read old new ref; do echo "$ref" >> "${pushLog}"; done\n`);
    chmodSync(hook, 0o755);
    writeFileSync(deployLog, "");
    resetReceivers(rx, mail);
  } catch (e) {
    await w.cleanup();
    throw e;
  }
  return w;
}

/**
 * Forgets the requests and mails the receivers saw, and puts back the Statuspage incidents they
 * held when `saved` was taken (saveReceivers), as a restored fixture's world would be.
 */
export function resetReceivers(rx: Receivers, mail: MailServer, saved: Map<string, unknown> = new Map()): void {
  rx.requests.length = 0;
  const incidents = (rx as unknown as { incidents: Map<string, unknown> }).incidents;
  incidents.clear();
  for (const [k, v] of saved) incidents.set(k, structuredClone(v));
  mail.messages.length = 0;
}

export const saveReceivers = (rx: Receivers): Map<string, unknown> =>
  structuredClone((rx as unknown as { incidents: Map<string, unknown> }).incidents);

/** Pairs of deploys whose [start, end] intervals overlap; a deploy that never ended runs on. */
export function overlaps(ds: DeployRecord[]): number {
  let n = 0;
  for (let i = 0; i < ds.length; i++)
    for (let j = i + 1; j < ds.length; j++) {
      const a = ds[i]!;
      const b = ds[j]!;
      if (a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity)) n++;
    }
  return n;
}

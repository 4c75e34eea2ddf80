// An incident whose hotfix branch carries a fix, in a repository whose origin has two targets
// that moved on (release-candidate, develop), driven through the built CLI. The bare origin
// counts every ref update it receives, the world's own witness that nothing is pushed twice.

import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { AUTH, makeBackportRepo, type BackportFixture } from "./fixture.js";

export const TICKET = "ENG-1234";
export const HOTFIX = "hotfix/ENG-1234-expired-tokens-accepted";
export const FIXED = AUTH("if (t.expired) return false;");

export interface CliFixture extends BackportFixture {
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  pushes(): string[];
  /** Offline backport PRs on record, by head branch. */
  prs(): Record<string, { number: number; url: string; base: string; title: string; body: string; labels: string[] }>;
  events(kind: string): Promise<{ kind: string; data: Record<string, unknown> }[]>;
  incident(): Promise<{ data: Record<string, any> }>;
  fix: string;
}

export async function makeCliFixture(
  opts: { config?: string; pr?: boolean; before?: (fx: BackportFixture) => void; env?: Record<string, string> } = {},
): Promise<CliFixture> {
  const fx = makeBackportRepo() as CliFixture;
  opts.before?.(fx);
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": opts.config ?? "backport:\n  targets:\n    - branch: release-candidate\n      short: rc\n    - branch: develop\n",
  });
  fx.git("push", "-q", "origin", "main");
  fx.cli = (args, env = {}) => firebreak(fx.work, args, { env: { ...opts.env, ...env }, timeoutMs: 60_000 });
  const started = await fx.cli(["start", TICKET, "Expired tokens accepted", "--priority", "P1"]);
  expect(started.code, started.stderr).toBe(0);
  fx.fix = fx.commit("fix: reject expired tokens", { "src/auth.js": FIXED });
  if (opts.pr) {
    const pr = await fx.cli(["pr"]);
    expect(pr.code, pr.stderr).toBe(0);
  }
  const pushLog = join(fx.root, "pushes.log");
  const hook = join(fx.origin, "hooks", "post-receive");
  writeFileSync(hook, `#!/bin/sh\nwhile read old new ref; do echo "$ref" >> "${pushLog}"; done\n`);
  chmodSync(hook, 0o755);
  fx.pushes = () => (existsSync(pushLog) ? readFileSync(pushLog, "utf8").trim().split("\n").filter(Boolean) : []);
  fx.prs = () => {
    const dir = join(fx.work, ".git", "firebreak", "backport-prs");
    const all: ReturnType<CliFixture["prs"]> = {};
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      if (!f.endsWith(".json")) continue;
      const pr = JSON.parse(readFileSync(join(dir, f), "utf8"));
      all[pr.head] = pr;
    }
    return all;
  };
  fx.events = async (kind) =>
    ((await fx.cli(["log", "--json", TICKET])).json().events as { kind: string; data: Record<string, unknown> }[]).filter(
      (e) => e.kind === kind,
    );
  fx.incident = async () => (await fx.cli(["status", "--json", TICKET])).json().incident;
  return fx;
}

/** develop rewrote the line the fix changes, so the pick conflicts there. */
export function conflictOnDevelop(fx: BackportFixture): void {
  fx.on("develop", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
}

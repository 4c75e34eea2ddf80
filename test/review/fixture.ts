// An incident built the way a team builds one (start, note, commit, pr, approve through the built
// CLI, on a temp repo with a bare origin), plus the later stages (merge, tag, deploy, verify)
// appended through the store API, as those steps would record them.

import { join } from "node:path";
import { event as body, type EventData, type EventKind } from "../../src/domain/events/index.js";
import { expect } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";

export const DISCOVERED = "2026-11-27T14:00:00Z";
export const NOW = "2026-11-27T14:20:00Z";
export const HOSTILE_NOTE = `cache poisoned <script>alert("x")</script> <img src=x onerror=alert(1)> & @channel`;

export interface IncidentFixture {
  fx: GitFixture;
  env: Record<string, string>;
  fb(args: string[], opts?: { env?: Record<string, string> }): Promise<CliResult>;
  ok(args: string[], opts?: { env?: Record<string, string> }): Promise<CliResult>;
  withStore<T>(fn: (store: Store, incidentId: string) => Promise<T>): Promise<T>;
}

export async function makeIncident(
  opts: { ticket?: string; priority?: string; config?: string; discovered?: string; now?: string } = {},
): Promise<IncidentFixture> {
  const fx = makeRepo();
  const ticket = opts.ticket ?? "ENG-1234";
  const env = { FIREBREAK_NOW: opts.now ?? NOW };
  fx.commit("chore: config", { ".firebreak.yml": opts.config ?? 'checks:\n  test: "node -e 0"\n' });
  fx.git("push", "-q", "origin", "main");
  const fb = (args: string[], o: { env?: Record<string, string> } = {}) => firebreak(fx.work, args, { env: { ...env, ...o.env } });
  const ok = async (args: string[], o: { env?: Record<string, string> } = {}) => {
    const r = await fb(args, o);
    expect(r.code, `firebreak ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r;
  };
  await ok([
    "start",
    ticket,
    "Expired tokens accepted",
    "--priority",
    opts.priority ?? "P1",
    "--discovered",
    opts.discovered ?? DISCOVERED,
  ]);
  await ok(["note", HOSTILE_NOTE]);
  fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
  fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
  await ok(["check"]);
  fx.git("add", "-A");
  await ok(["commit", "--what", "expired tokens got 200", "--root-cause", "exp was never compared with now"]);
  const withStore = async <T>(fn: (store: Store, incidentId: string) => Promise<T>): Promise<T> => {
    const store = await openStore({ sqlitePath: join(fx.work, ".git", "firebreak", "firebreak.db") });
    try {
      const inc = await store.findByTicket(ticket);
      if (!inc) throw new Error(`no incident ${ticket}`);
      return await fn(store, inc.id);
    } finally {
      await store.close();
    }
  };
  return { fx, env, fb, ok, withStore };
}

/** What ship and verify record: merge, tag, deploy to production, verification with figures. */
export async function shipAndVerify(
  f: IncidentFixture,
  at: { deployed: string; verified: string } = { deployed: "2026-11-27T15:30:00Z", verified: "2026-11-27T15:45:00Z" },
): Promise<void> {
  await f.withStore(async (store, id) => {
    const ev = <K extends EventKind>(kind: K, when: string, data: EventData<K>) => ({ at: when, actor: "firebreak", ...body(kind, data) });
    await store.appendEvent(id, ev("release.merged", "2026-11-27T15:10:00Z", { sha: "abc1234", summary: "merged into main" }));
    await store.appendEvent(id, ev("release.tagged", "2026-11-27T15:12:00Z", { tag: "v1.4.3", summary: "v1.4.3" }));
    await store.updateIncident(
      id,
      {
        status: "shipped",
        data: {
          release: { tag: "v1.4.3", sha: "abc1234" },
          deploys: [{ env: "production", at: at.deployed, version: "v1.4.3", url: "https://deploys.example.com/42" }],
        },
      },
      ev("deploy.production.done", at.deployed, { summary: "v1.4.3 to production" }),
    );
    await store.updateIncident(
      id,
      {
        status: "verified",
        data: {
          verification: {
            outcome: "verified",
            summary: "error rate 7.5/min → 0.2/min",
            metrics: [
              { name: "error rate", before: 7.5, after: 0.2, unit: "/min" },
              { name: "p95 <latency>", before: 840, after: 310, unit: "ms" },
            ],
          },
        },
      },
      ev("verify.production.verified", at.verified, { summary: "error rate 7.5/min → 0.2/min" }),
    );
  });
}

// npm run bench:slack: how fast the Slack app acknowledges, with 50 signed slash commands in
// flight at once (each verified, checked against the replay cache and answered before its work
// runs), next to GET /healthz under the same load in the same run. Goal: p99 under 300 ms (Slack
// gives up at 3 s). The work after each acknowledgement (answering on the response URL of a
// stand-in Slack on 127.0.0.1) runs during the measurement, as it would in production.

import { serve, type ServerType } from "@hono/node-server";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServerApp } from "../src/server/app.js";
import { openServerStore } from "../src/store/open-server-store.js";
import { SlackStandIn } from "../test/helpers/slack-contract-server.js";

const CONCURRENCY = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const slack = await new SlackStandIn().start();
  const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-slack-"));
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const storage = pgUrl ? await openServerStore({ postgresUrl: pgUrl }) : await openServerStore({ sqlitePath: join(dir, "server.db") });
  const { app, drain } = createServerApp({
    store: storage.store,
    records: storage.records,
    clock: { now: () => new Date() },
    rateLimit: 1_000_000,
    slack: { signingSecret: slack.signingSecret, botToken: slack.botToken, apiUrl: slack.apiUrl, channel: "C_INC" },
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const timed = async (fn: () => Promise<Response>) => {
    const t0 = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`answered ${res.status}`);
    return performance.now() - t0;
  };
  const command = () => {
    const c = slack.command(`U${Math.floor(Math.random() * 1e9)}`, "help");
    return () => fetch(url + c.path, { method: "POST", headers: { "content-type": c.contentType, ...slack.sign(c.body) }, body: c.body });
  };
  const health = () => () => fetch(`${url}/healthz`);

  // Warm up both paths (JIT, connection pool, SQLite pages).
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(command())));
  await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(health())));

  const acks: number[] = [];
  const base: number[] = [];
  // Interleaved rounds, so both see the same machine load.
  for (let r = 0; r < ROUNDS; r++) {
    base.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(health())))));
    acks.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(command())))));
  }
  const expected = (ROUNDS + 3) * CONCURRENCY;
  for (let i = 0; i < 500 && slack.responses.length < expected; i++) await new Promise((r) => setTimeout(r, 20));

  const row = (name: string, xs: number[]) =>
    `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(6)} ms`;
  console.log(
    `Slack acknowledgements, ${CONCURRENCY} concurrent, ${ROUNDS} rounds (${acks.length} requests each), ${pgUrl ? "PostgreSQL" : "SQLite"}`,
  );
  console.log(row("GET /healthz (baseline)", base));
  console.log(row("POST /slack/commands (signed)", acks));
  console.log(
    `ratio p50 ${(pct(acks, 50) / pct(base, 50)).toFixed(2)} × baseline, p99 ${(pct(acks, 99) / pct(base, 99)).toFixed(2)} × baseline`,
  );
  console.log(
    `goal: p99 under 300 ms — ${pct(acks, 99) < 300 ? "met" : "NOT met"}; answered on response URLs: ${slack.responses.length}/${expected}`,
  );

  await drain();
  await new Promise<void>((r) => server.close(() => r()));
  await storage.close();
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

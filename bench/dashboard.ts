// npm run bench:dashboard: the server render of the dashboard's incidents page with 1,000
// incidents the viewer may see, next to the JSON list of the same incidents (GET /incidents) in
// the same run, and the page's total weight (HTML + stylesheet + script). Goals: render under
// 100 ms, weight under 150 KB. In process (app.request) on a SQLite file, so the figures are the
// server's work, not the network's.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { event } from "../src/domain/events/index.js";
import type { IncidentStatus, Priority } from "../src/domain/types.js";
import { createServerApp } from "../src/server/app.js";
import { issueToken } from "../src/server/tokens.js";
import { openServerStore } from "../src/store/open-server-store.js";

const INCIDENTS = 1_000;
const RUNS = 15;
const ORIGIN = "http://bench.local";

const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-dashboard-"));
const storage = await openServerStore({ sqlitePath: join(dir, "server.db") });
try {
  const { store } = storage;
  const now = Date.now();
  const statuses: IncidentStatus[] = ["open", "pr-open", "shipped", "verified", "rolled-back"];
  const levels: Priority[] = ["P0", "P1", "P2", "P3"];
  for (let i = 0; i < INCIDENTS; i++) {
    const priority = levels[i % levels.length]!;
    const at = new Date(now - (i + 1) * 60_000).toISOString();
    const ticket = `BENCH-${i + 1}`;
    const inc = await store.createIncident(
      {
        ticket,
        title: `checkout fails for cards issued in region ${i % 17} <${i}>`,
        priority,
        criteria: ["production-unavailable"],
        discoveredAt: at,
        deadlineAt: new Date(now + (i % 7) * 3_600_000 - 1_800_000).toISOString(),
        branch: `hotfix/${ticket}`,
        base: "main",
        remote: "origin",
      },
      { at, actor: "oncall", ...event("incident.started", { priority, criteria: ["production-unavailable"], summary: "started" }) },
    );
    await store.appendEvent(inc.id, {
      at,
      actor: "dev",
      ...event("commit.created", { sha: "b".repeat(40), subject: "fix", summary: "fix committed" }),
    });
    await store.appendEvent(inc.id, { at, actor: "oncall", ...event("note", { text: "customers told", summary: "customers told" }) });
    await store.updateIncident(inc.id, { status: statuses[i % statuses.length]! });
  }
  const server = createServerApp({ store, records: storage.records, clock: { now: () => new Date() } });
  const { secret } = await issueToken(storage.records, { name: "bench-viewer", role: "viewer" }, "bench", new Date());
  const signIn = await server.app.request(`${ORIGIN}/ui/signin`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: secret }).toString(),
  });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;

  const time = async (path: string, headers: Record<string, string>) => {
    const ms: number[] = [];
    let body = "";
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const res = await server.app.request(`${ORIGIN}${path}`, { headers });
      body = await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      if (i >= 2) ms.push(performance.now() - t0); // two warm-up runs
    }
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)!, body };
  };

  const page = await time("/ui", { cookie });
  const json = await time("/incidents", { authorization: `Bearer ${secret}` });
  const zipped = await time("/ui", { cookie, "accept-encoding": "gzip" });
  const rows = (page.body.match(/<tr>/g) ?? []).length - 1;
  const css = await (await server.app.request(`${ORIGIN}/ui/assets/dashboard.css`)).text();
  const js = await (await server.app.request(`${ORIGIN}/ui/assets/dashboard.js`)).text();
  const bytes = (s: string) => Buffer.byteLength(s);
  const weight = bytes(page.body) + bytes(css) + bytes(js);
  // What a browser downloads: the server compresses when asked (Accept-Encoding: gzip).
  const sent = async (path: string, headers: Record<string, string> = {}) => {
    const res = await server.app.request(`${ORIGIN}${path}`, { headers: { "accept-encoding": "gzip", ...headers } });
    const encoding = res.headers.get("content-encoding");
    const n = (await res.arrayBuffer()).byteLength;
    return { n, encoding };
  };
  const transfer = [await sent("/ui", { cookie }), await sent("/ui/assets/dashboard.css"), await sent("/ui/assets/dashboard.js")];
  if (transfer.some((t) => t.encoding !== "gzip")) throw new Error("a dashboard response was not compressed");
  const gz = transfer.reduce((a, t) => a + t.n, 0);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

  console.log(`dashboard bench: ${INCIDENTS} incidents on SQLite, ${RUNS} runs each (median, max), in process`);
  console.log(`  GET /ui (incidents page, ${rows} rows): ${page.p50.toFixed(1)} ms (max ${page.max.toFixed(1)} ms)   goal < 100 ms`);
  console.log(`  GET /incidents (JSON, baseline):      ${json.p50.toFixed(1)} ms (max ${json.max.toFixed(1)} ms)`);
  console.log(`  GET /ui compressed (gzip):             ${zipped.p50.toFixed(1)} ms (max ${zipped.max.toFixed(1)} ms)`);
  console.log(`  page / JSON: ${(page.p50 / json.p50).toFixed(2)}×`);
  console.log(`  weight sent (gzip, as a browser downloads it): ${kb(gz)}   goal < 150 KB`);
  console.log(`  weight uncompressed: ${kb(weight)} (HTML ${kb(bytes(page.body))}, CSS ${kb(bytes(css))}, JS ${kb(bytes(js))})`);
  console.log(`  weight of the incident page's assets alone (CSS + JS): ${kb(bytes(css) + bytes(js))}`);
  await server.drain();
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}

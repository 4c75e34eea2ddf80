// The dashboard on PostgreSQL (a fresh database for this file): sign-in, a note written through
// the core appearing on the open incident page, and a private incident absent for a non-member.

import { existsSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import { seedIncident, token } from "../server/fixture.js";
import { CHROMIUM, signIn, startDashboard, type Running } from "./harness.js";

let r: Running;
let ctx: BrowserContext | undefined;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  r = await startDashboard("postgres");
}, 60_000);
afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await r?.close();
});

describe("the dashboard on PostgreSQL", () => {
  it("shows a write made through the core live, and hides a private incident from a non-member", async () => {
    const inc = await seedIncident(r.s.storage, { priority: "P1" });
    const priv = await seedIncident(r.s.storage, { criteria: ["auth-bypass"] });
    ctx = await r.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await ctx.newPage();
    await signIn(page, r.url, await token(r.s.storage, "pg-resp", "responder"));
    const list = (await page.locator("main").textContent()) ?? "";
    expect(list).toContain(inc.ticket);
    expect(list).not.toContain(priv.ticket);
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    await expect.poll(() => page.locator("#live-status").textContent(), { timeout: 10_000 }).toBe("Live");
    await r.s.storage.store.appendEvent(inc.id, {
      at: new Date().toISOString(),
      actor: "oncall-pia",
      ...event("note", { text: "error rate back to normal", summary: "error rate back to normal" }),
    });
    await expect.poll(() => page.locator("#live-region").textContent(), { timeout: 10_000 }).toContain("error rate back to normal");
    expect((await page.request.get(`${r.url}/ui/incidents/${priv.id}`)).status()).toBe(404);
    expect(await (await page.request.get(`${r.url}/ui/log.csv`)).text()).not.toContain(priv.ticket);
  });
});

// The dashboard's test harness: the team server on a real listener (127.0.0.1, a free port) over
// real storage (test/server/fixture.ts), Debian's Chromium driven by playwright-core, axe-core
// injected into pages, and screenshots written to test-results/dashboard/.

import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { createServerApp } from "../../src/server/app.js";
import { openStorage, type Storage } from "../server/fixture.js";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const ARTIFACTS = join(process.cwd(), "test-results", "dashboard");
export const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface Running {
  url: string;
  s: Storage;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDashboard(kind: "sqlite" | "postgres"): Promise<Running> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const s = await openStorage(kind);
  const api = createServerApp({ store: s.storage.store, records: s.storage.records, clock: { now: () => new Date() }, pollMs: 150 });
  const server: ServerType = await new Promise((resolve) => {
    const srv = serve({ fetch: api.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return {
    url,
    s,
    browser,
    async close() {
      await browser.close();
      await api.drain();
      (server as HttpServer).closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await s.cleanup();
    },
  };
}

/** Signs in through the form and lands on the incidents page. */
export async function signIn(page: Page, url: string, secret: string): Promise<void> {
  await page.goto(`${url}/ui/signin`);
  await page.getByLabel("Token").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/ui`);
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = (await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      where: v.nodes.map((n) => n.target.join(" ")).slice(0, 3),
    }));
  })) as { id: string; impact: string; where: string[] }[];
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}) at ${v.where.join(", ")}`);
}

/** A screenshot at this width, and whether the page scrolls sideways there. */
export async function shoot(page: Page, name: string, width: number): Promise<{ scrollWidth: number; innerWidth: number }> {
  await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

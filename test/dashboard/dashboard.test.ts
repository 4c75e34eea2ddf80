// The dashboard in Debian's Chromium against the team server on a real listener and a SQLite file:
// sign-in, pages that pass axe-core and fit a phone, a write made through the core appearing on an
// open incident page, role-bound actions (approve, the author refused; waive and its reason; a
// viewer with no buttons), private incidents absent for a non-member in HTML, SSE and the CSV
// export, and forms refused without the CSRF token or from another origin.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Incident } from "../../src/domain/types.js";
import { makePlan } from "../../src/workflow/plans.js";
import { seedIncident, token } from "../server/fixture.js";
import { ARTIFACTS, axeViolations, CHROMIUM, shoot, signIn, startDashboard, type Running } from "./harness.js";

let r: Running;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  r = await startDashboard("sqlite");
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await r?.close();
});

/** A fresh browser profile (its own cookie jar); axe is injected, so CSP is bypassed only where `axe` is asked for. */
async function browse(opts: { axe?: boolean } = {}): Promise<Page> {
  const ctx = await r.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: opts.axe === true });
  contexts.push(ctx);
  return ctx.newPage();
}

const live = (p: Page) => p.locator("#live-region");
const text = async (l: Locator) => (await l.first().textContent()) ?? "";
const texts = async (l: Locator) => (await l.allTextContents()).join("\n");
/** Presses a form's button and waits for the page the server answers with. */
async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name, exact: true }).click()]);
}

async function verifiedIncident(): Promise<Incident> {
  const inc = await seedIncident(r.s.storage, { priority: "P0", pr: true, committedBy: "dev-dana" });
  const store = r.s.storage.store;
  const at = new Date(Date.now() - 60_000).toISOString();
  await store.appendEvent(inc.id, { at, actor: "dev-dana", ...event("deploy.production.done", { summary: "v1.4.3 to production" }) });
  const series = Array.from({ length: 30 }, (_, i) => [4 + i, Number((12 / (1 + i)).toFixed(2))]);
  const metrics = [
    { name: "bad responses", before: 9, after: 0.4, unit: "per minute", series, limits: { tolerance: 1, regressionRatio: 2 } },
  ];
  await store.appendEvent(inc.id, {
    at: new Date().toISOString(),
    actor: "firebreak",
    ...event("verify.production.verified", {
      summary: "bad responses 9/min → 0.4/min",
      metrics,
      decidedAfterSeconds: 21,
      rollback: "none",
    } as never),
  });
  return inc;
}

describe("the dashboard in Chromium (SQLite)", () => {
  it("signs in with a token, refuses a wrong one, and shows pages that pass axe-core and fit a 375 px phone", async () => {
    const inc = await verifiedIncident();
    const secret = await token(r.s.storage, "cmdr-carla", "commander");
    const page = await browse({ axe: true });
    await page.goto(`${r.url}/ui`);
    await page.waitForURL(`${r.url}/ui/signin`);
    await page.getByLabel("Token").fill("fbk_not-a-token");
    await submit(page, "Sign in");
    expect(await text(page.getByRole("alert"))).toContain("unknown token");
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, "signin", 1280);
    const phone = await shoot(page, "signin", 375);
    expect(phone.scrollWidth).toBeLessThanOrEqual(phone.innerWidth);

    await signIn(page, r.url, secret);
    expect(await text(page.locator("table.incidents"))).toContain(inc.ticket);
    const pages = [
      ["incidents", "/ui"],
      ["incident", `/ui/incidents/${inc.id}`],
      ["log", "/ui/log"],
    ] as const;
    for (const [name, path] of pages) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${r.url}${path}`);
      expect(await axeViolations(page), name).toEqual([]);
      await shoot(page, name, 1280);
      const phone = await shoot(page, name, 375);
      expect(phone.scrollWidth, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(phone.innerWidth);
      expect(readFileSync(join(ARTIFACTS, `${name}-375.png`)).length).toBeGreaterThan(5_000);
    }
    // The incident page draws the review's chart of the watched metric, with the deploy marked.
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    expect(await page.locator('svg[data-chart="metric"] [data-marker="deploy"]').count()).toBe(1);
    expect(await text(page.locator("figure.chart figcaption"))).toContain("verdict verified");
    expect(await texts(page.locator(".checklist .item-done"))).toContain("Deployed to production");
  });

  it("filters the incidents by level, state and time, and keeps resolved ones out of the default view", async () => {
    const merged = await seedIncident(r.s.storage, { priority: "P2", pr: true });
    await r.s.storage.store.appendEvent(merged.id, {
      at: new Date().toISOString(),
      actor: "dev",
      ...event("release.merged", { sha: "c".repeat(40), summary: "merged into main" }),
    });
    const done = await seedIncident(r.s.storage, { priority: "P3" });
    await r.s.storage.store.updateIncident(done.id, { status: "resolved" });
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "filter-fay", "viewer"));
    const list = async (query: string) => (await (await page.request.get(`${r.url}/ui/fragments/incidents?${query}`)).text()) ?? "";
    expect(await list("")).toContain(merged.ticket);
    expect(await list("")).not.toContain(done.ticket);
    expect(await list("state=shipping")).toContain(merged.ticket);
    expect(await list("state=in+review")).not.toContain(merged.ticket);
    expect(await list("state=resolved")).toContain(done.ticket);
    expect(await list("level=P3")).not.toContain(merged.ticket);
    expect(await list("level=P2&since=24h")).toContain(merged.ticket);
    // The form drives the same filter.
    await page.getByLabel("State").selectOption("shipping");
    await submit(page, "Filter");
    expect(page.url()).toContain("state=shipping");
    expect(await text(page.locator("#live-region"))).toContain(merged.ticket);
  });

  it("runs under its Content-Security-Policy with no violation and sets a strict session cookie", async () => {
    const inc = await seedIncident(r.s.storage);
    const secret = await token(r.s.storage, "csp-vic", "viewer");
    const page = await browse();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, r.url, secret);
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    await expect.poll(() => page.locator("#live-status").textContent(), { timeout: 10_000 }).toBe("Live");
    expect(violations).toEqual([]);
    const res = await page.request.get(`${r.url}/ui`);
    expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers()["content-security-policy"]).not.toContain("unsafe-inline");
    const cookie = (await page.context().cookies()).find((c) => c.name === "fb_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Strict");
    expect(JSON.stringify(await r.s.rows("dashboard_sessions"))).not.toContain(cookie.value);
  });

  it("shows a note written through the core on the open incident page without a reload", async () => {
    const inc = await seedIncident(r.s.storage);
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "watcher-wes", "viewer"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    await expect.poll(() => page.locator("#live-status").textContent(), { timeout: 10_000 }).toBe("Live");
    const marker = await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      return 42;
    });
    // As the CLI writes it: straight to the record, not through this server.
    await r.s.storage.store.appendEvent(inc.id, {
      at: new Date().toISOString(),
      actor: "oncall-olga",
      ...event("note", { text: "rolled the canary <b>back</b>", summary: "rolled the canary back" }),
    });
    await expect.poll(() => live(page).textContent(), { timeout: 10_000 }).toContain("rolled the canary <b>back</b>");
    // A note given a time in the past (firebreak note --at) is marked as back-dated.
    await r.s.storage.store.appendEvent(inc.id, {
      at: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      actor: "oncall-olga",
      ...event("note", { text: "first alert fired two hours ago", summary: "first alert fired two hours ago" }),
    });
    await expect
      .poll(() => live(page).locator("li", { hasText: "first alert fired" }).textContent(), { timeout: 10_000 })
      .toContain("back-dated");
    expect(await live(page).locator("li", { hasText: "rolled the canary" }).textContent()).not.toContain("back-dated");
    // The same page (no reload), and the text stayed text.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    expect(await live(page).locator("b").count()).toBe(0);
  });

  it("adds an incident started through the core to an open incidents page, its clock amber with a quarter of the time left", async () => {
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "lister-lia", "viewer"));
    await expect.poll(() => page.locator("#live-status").textContent(), { timeout: 10_000 }).toBe("Live");
    const now = Date.now();
    const inc = await r.s.storage.store.createIncident(
      {
        ticket: "ENG-7001",
        title: "Card payments declined in one region",
        priority: "P1",
        criteria: ["production-unavailable"],
        discoveredAt: new Date(now - 3 * 3_600_000).toISOString(),
        deadlineAt: new Date(now + 30 * 60_000).toISOString(),
        branch: "hotfix/ENG-7001",
        base: "main",
        remote: "origin",
      },
      {
        at: new Date(now).toISOString(),
        actor: "oncall",
        ...event("incident.started", { priority: "P1", criteria: ["production-unavailable"], summary: "started" }),
      },
    );
    const row = page.locator("table.incidents tr", { hasText: inc.ticket });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.locator(".clock").getAttribute("class")).toContain("clock-amber");
    expect(await text(row.locator(".clock"))).toMatch(/^(29|30)m left$/);
  });

  it("lets an approver approve, refuses the fix's author, and shows each result", async () => {
    const inc = await seedIncident(r.s.storage, { priority: "P1", pr: true, committedBy: "dev-dan" });
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "dev-dan", "approver"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    await submit(page, "Approve");
    expect(await text(page.getByRole("alert"))).toContain("an approval must come from someone else");

    const other = await browse();
    await signIn(other, r.url, await token(r.s.storage, "rev-ruth", "approver"));
    await other.goto(`${r.url}/ui/incidents/${inc.id}`);
    await other.getByLabel("Approve the fix (note, optional)").fill("read the diff");
    await submit(other, "Approve");
    expect(await text(other.getByRole("status").first())).toContain("Your approval is on the record");
    expect(await texts(other.locator(".checklist .item-done"))).toContain("At least one approval");
    const timeline = await r.s.storage.store.timeline(inc.id);
    expect(timeline.filter((e) => e.kind === "review.approved").map((e) => e.actor)).toEqual(["rev-ruth"]);
  });

  it("needs a reason to waive at P0, then records the waiver on the timeline", async () => {
    const inc = await seedIncident(r.s.storage, { priority: "P0", pr: true });
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "cmdr-cleo", "commander"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    await submit(page, "Waive");
    expect(await text(page.getByRole("alert"))).toContain("A waiver needs a reason");
    expect((await r.s.storage.store.timeline(inc.id)).some((e) => e.kind === "approval.waived")).toBe(false);
    await page.getByLabel("Reason (required)").fill("reviewer asleep, customers locked out");
    await submit(page, "Waive");
    expect(await text(page.getByRole("status").first())).toContain("The waiver is on the record");
    expect(await text(live(page))).toContain("reviewer asleep, customers locked out");
  });

  it("lets a commander confirm a rollback an agent planned, only with the box ticked", async () => {
    const inc = await seedIncident(r.s.storage, { priority: "P0" });
    const plan = await makePlan(
      {
        store: r.s.storage.store,
        clock: { now: () => new Date() },
        actor: "agent-ava",
        actorKind: "agent",
        head: async () => "a".repeat(40),
      },
      inc,
      { step: "rollback", needsPerson: true, input: {}, summary: "roll production back to v1.4.2" },
    );
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "cmdr-cora", "commander"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    expect(await text(page.locator(".action-danger"))).toContain("roll production back to v1.4.2");
    await submit(page, "Confirm rollback");
    expect(await text(page.getByRole("alert"))).toContain("the confirmation box was not ticked");
    await page.getByLabel("I confirm this rollback").check();
    await submit(page, "Confirm rollback");
    expect(await text(page.getByRole("status"))).toContain("The plan is confirmed");
    const confirmed = (await r.s.storage.store.timeline(inc.id)).filter((e) => e.kind === "plan.confirmed");
    expect(confirmed.map((e) => [e.data.id, e.actor, e.data.via])).toEqual([[plan.id, "cmdr-cora", "dashboard"]]);
    expect(await page.getByRole("button", { name: "Confirm rollback" }).count()).toBe(0);
  });

  it("can be worked with the keyboard alone: skip link first, then a note typed and sent", async () => {
    const inc = await seedIncident(r.s.storage);
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "keys-kim", "responder"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || "");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    let steps = 0;
    while ((await focused()) !== "note-text" && steps++ < 60) await page.keyboard.press("Tab");
    expect(await focused()).toBe("note-text");
    await page.keyboard.type("paged the payments team");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Add note");
    await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
    expect(await text(page.getByRole("status"))).toContain("Your note is on the timeline");
    expect(await text(live(page))).toContain("paged the payments team");
  });

  it("gives a viewer no action buttons", async () => {
    const inc = await seedIncident(r.s.storage, { priority: "P0", pr: true });
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "viewer-vic", "viewer"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    expect(await text(page.locator("h1"))).toContain(inc.ticket);
    expect(await page.locator("main form[method=post]").count()).toBe(0);
    for (const name of ["Approve", "Waive", "Add note", "Confirm"]) expect(await page.getByRole("button", { name }).count()).toBe(0);
  });

  it("never shows a private incident to a non-member: not in HTML, the live feed nor the CSV export", async () => {
    const priv = await seedIncident(r.s.storage, { criteria: ["data-exposure"] });
    const pub = await seedIncident(r.s.storage);
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "outsider-ola", "responder"));
    for (const path of ["/ui", "/ui/log", "/ui/fragments/incidents", "/ui?state=resolved"]) {
      const html = await (await page.request.get(`${r.url}${path}`)).text();
      expect(html, path).not.toContain(priv.ticket);
      expect(html, path).not.toContain(priv.id);
    }
    const csv = await (await page.request.get(`${r.url}/ui/log.csv`)).text();
    expect(csv).toContain(pub.ticket);
    expect(csv).not.toContain(priv.ticket);
    // Asked by id or ticket, a private incident answers exactly like one that does not exist.
    const answer = async (ref: string) => {
      const res = await page.goto(`${r.url}/ui/incidents/${ref}`);
      return { status: res?.status(), main: (await text(page.locator("main"))).replaceAll(ref, "REF") };
    };
    const missing = await answer("ENG-999999");
    expect(missing.status).toBe(404);
    for (const ref of [priv.id, priv.ticket]) expect(await answer(ref)).toEqual(missing);
    expect((await page.request.get(`${r.url}/ui/incidents/${priv.id}/fragment`)).status()).toBe(404);
    // The live feed: an event on the private incident, then one on the public one; the stream
    // delivers in order, so once the public one arrived the private one would have come first.
    const seen = page.evaluate(
      (wanted) =>
        new Promise<string[]>((resolve) => {
          const ids: string[] = [];
          const es = new EventSource("/ui/events");
          es.addEventListener("timeline", (ev) => {
            ids.push(JSON.parse((ev as MessageEvent).data).incidentId);
            if (ids.includes(wanted)) {
              es.close();
              resolve(ids);
            }
          });
          es.addEventListener("open", () => {
            (window as unknown as { streamOpen: boolean }).streamOpen = true;
          });
        }),
      pub.id,
    );
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { streamOpen?: boolean }).streamOpen === true), { timeout: 10_000 })
      .toBe(true);
    const note = (text: string) => ({ at: new Date().toISOString(), actor: "someone", ...event("note", { text, summary: text }) });
    await r.s.storage.store.appendEvent(priv.id, note("private detail"));
    await r.s.storage.store.appendEvent(pub.id, note("public detail"));
    const ids = await seen;
    expect(ids).toContain(pub.id);
    expect(ids).not.toContain(priv.id);
    // The page where one asks for access says nothing about whether the incident exists.
    await page.goto(`${r.url}/ui/incidents/${priv.ticket}`);
    await page.getByLabel(/Ask a commander for access/).fill("I own the auth service");
    await submit(page, "Request access");
    expect(await text(page.getByRole("status").first())).toContain("Your request is recorded");
    const audit = await r.s.storage.records.auditLog();
    expect(audit.some((a) => a.action === "access.requested" && a.actor === "outsider-ola" && a.target === priv.id)).toBe(true);
  });

  it("refuses a form without its CSRF token or from another origin, and does nothing", async () => {
    const inc = await seedIncident(r.s.storage);
    const page = await browse();
    await signIn(page, r.url, await token(r.s.storage, "resp-rita", "responder"));
    await page.goto(`${r.url}/ui/incidents/${inc.id}`);
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    const post = (form: Record<string, string>, origin?: string) =>
      page.request.post(`${r.url}/ui/incidents/${inc.id}/note`, { form, headers: origin ? { origin } : {}, maxRedirects: 0 });
    const noToken = await post({ text: "no token" }, r.url);
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain("CSRF token is missing or wrong");
    const foreign = await post({ text: "from elsewhere", csrf }, "http://evil.example");
    expect(foreign.status()).toBe(403);
    expect(await foreign.text()).toContain("another site");
    const noOrigin = await post({ text: "no origin", csrf });
    expect(noOrigin.status()).toBe(403);
    const ok = await post({ text: "from the page", csrf }, r.url);
    expect(ok.status()).toBe(303);
    const notes = (await r.s.storage.store.timeline(inc.id)).filter((e) => e.kind === "note").map((e) => e.data.text);
    expect(notes).toEqual(["from the page"]);
  });

  it("ends the session on sign-out and when its token is revoked", async () => {
    const page = await browse();
    const secret = await token(r.s.storage, "leaver-lou", "viewer");
    await signIn(page, r.url, secret);
    const cookie = (await page.context().cookies()).find((c) => c.name === "fb_session")!.value;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${r.url}/ui/signin`);
    const replay = await fetch(`${r.url}/ui`, { headers: { cookie: `fb_session=${cookie}` }, redirect: "manual" });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toBe("/ui/signin");

    await signIn(page, r.url, secret);
    const tok = (await r.s.storage.records.listTokens()).find((t) => t.name === "leaver-lou")!;
    await r.s.storage.records.revokeToken(tok.id);
    await page.goto(`${r.url}/ui`);
    await page.waitForURL(`${r.url}/ui/signin`);
  });
});

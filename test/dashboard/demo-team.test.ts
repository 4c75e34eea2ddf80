// `firebreak demo --team` as a newcomer runs it: the demo prints the dashboard's URL and a sign-in
// token, and while the P0 runs through the CLI the dashboard shows the incident moving to verified
// with the verification chart, from the sandbox's own record. Runs the built CLI (dist/).

import { spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ENTRY = join(process.cwd(), "dist/firebreak.js");
let child: ReturnType<typeof spawn> | undefined;
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
});

/** One GET on a connection of its own (no keep-alive), so the demo's server can stop at its end. */
function get(url: string, cookie: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = httpGet(url, { headers: { cookie }, agent: false, timeout: 5_000 }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => (body += b.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve(undefined));
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
  });
}

describe("firebreak demo --team", () => {
  it("serves the dashboard on the demo's record and shows the P0 live until it is verified", async () => {
    child = spawn(process.execPath, [ENTRY, "demo", "--team"], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child!.on("exit", (code) => r(code)));
    let running = true;
    void exited.then(() => (running = false));

    // The URL and token come first, before the first command.
    await expect.poll(() => /dashboard (http:\/\/127\.0\.0\.1:\d+)\/ui/.test(out) || !running, { timeout: 60_000 }).toBe(true);
    const base = /dashboard (http:\/\/127\.0\.0\.1:\d+)\/ui/.exec(out)![1]!;
    const secret = /sign in with (fbk_[A-Za-z0-9_-]+)/.exec(out)![1]!;
    const signIn = await fetch(`${base}/ui/signin`, {
      method: "POST",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: secret }),
      redirect: "manual",
    });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;

    // Each state the dashboard showed while the demo ran (bounded by the demo's own run).
    const seen = new Set<string>();
    let chart = false;
    while (running) {
      const page = await get(`${base}/ui/incidents/ENG-1234/fragment`, cookie);
      if (page?.status === 200) {
        const html = page.body;
        const state = /class="state state-([a-z-]+)"/.exec(html)?.[1];
        if (state) seen.add(state);
        if (html.includes('data-chart="metric"')) chart = true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await exited, out).toBe(0);
    expect(out).toContain("The fix is verified in production.");
    expect([...seen]).toContain("fixing");
    expect([...seen].some((s) => s === "verifying" || s === "verified")).toBe(true);
    expect(chart).toBe(true);
    expect(out.match(/fbk_[A-Za-z0-9_-]+/g)).toHaveLength(1); // the token is printed once
  }, 170_000);
});

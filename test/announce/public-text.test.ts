// What customers read is not the internal title: `--public-title/--public-summary` set it for the
// email and the status pages, once, for every later stage; internal channels keep the real title.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setupAnnounce, type AnnounceFixture } from "./fixture.js";

let f: AnnounceFixture | null = null;
afterEach(async () => {
  await f?.cleanup();
  f = null;
});

describe("announce: the words customers read", () => {
  it("go to email and the status page; the webhook keeps the internal title; later stages keep them", async () => {
    f = await setupAnnounce({ title: "JWT exp unchecked on /profile" });
    const r = await f.cli([
      "announce",
      "--stage",
      "identified",
      "--channel",
      "email,webhook,statuspage-static",
      "--public-title",
      "Sign-in problem",
      "--public-summary",
      "Some signed-out sessions could still load profile pages.",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const mail = f.mail.messages[0]!.parsed;
    expect(mail.subject).toBe("[Identified] Sign-in problem");
    expect(mail.text).toContain("Some signed-out sessions could still load profile pages.");
    expect(mail.text).not.toContain("JWT exp unchecked");
    const page = JSON.parse(readFileSync(join(f.statusDir, "status.json"), "utf8")) as unknown;
    expect(JSON.stringify(page)).toContain("Sign-in problem");
    expect(JSON.stringify(page)).not.toContain("JWT exp unchecked");
    expect(JSON.stringify(f.rx.to("/hook/")[0]!.body)).toContain("JWT exp unchecked");

    const later = await f.cli(["announce", "--stage", "resolved", "--channel", "email"]);
    expect(later.code, later.stderr).toBe(0);
    expect(f.mail.messages.at(-1)!.parsed.subject).toBe("[Resolved] Sign-in problem");
  });
});

describe("a P1 without a public summary", () => {
  it("never sends the internal impact to customers: their channels wait, chat goes out, Next names --public-summary", async () => {
    const { setupAnnounce } = await import("./fixture.js");
    const g = await setupAnnounce();
    try {
      // Undo the fixture's public summary: a fresh incident on another ticket has none.
      g.fx.git("switch", "-q", "main");
      const started = await g.cli([
        "start",
        "ENG-77",
        "Tokens leak",
        "--priority",
        "P1",
        "--discovered",
        "2026-03-02T09:30:00Z",
        "--no-push",
      ]);
      expect(started.code, started.stderr).toBe(0);
      expect((await g.cli(["note", "--impact", "Security audit counter shows expired tokens answered 200 on /profile"])).code).toBe(0);
      const r = await g.cli([
        "announce",
        "--stage",
        "investigating",
        "--channel",
        "email,statuspage-static,webhook",
        "--public-title",
        "Sign-in problem",
      ]);
      expect(r.code).toBe(9);
      expect(r.stdout).toMatch(/✖ email\s+FAILED: not sent: at P1 customers need a public summary/);
      expect(r.stdout).toContain('--public-summary "<what happened, for customers>"');
      expect(g.mail.messages).toHaveLength(0);
      expect(r.stdout + r.stderr).not.toContain("Security audit counter");
      expect(r.stdout).toMatch(/✔ webhook\s+sent/); // the team's own channel still goes out
    } finally {
      await g.cleanup();
    }
  });
});

describe("announce: the warning about the internal title at P0", () => {
  it("is given when customers would read it, and not for a message to the team's chat alone", async () => {
    f = await setupAnnounce({ title: "JWT exp unchecked on /profile", priority: "P0" });
    const chat = await f.cli(["announce", "--preview", "--channel", "slack"]);
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stderr).not.toContain("Customer-facing channels");
    const customers = await f.cli(["announce", "--preview", "--channel", "email"]);
    expect(customers.code, customers.stderr).toBe(0);
    expect(customers.stderr).toContain(
      'Customer-facing channels (email, status pages) show the internal title "JWT exp unchecked on /profile"',
    );
  });
});

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
    const r = await f.cli(["announce", "--stage", "identified", "--channel", "email,webhook,statuspage-static", "--public-title", "Sign-in problem", "--public-summary", "Some signed-out sessions could still load profile pages."]);
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

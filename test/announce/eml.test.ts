// E-mail written as .eml files (notify.email.outDir): an outbox a mail tool picks up, or the
// offline choice. The file is a real message: headers, Bcc recipients, text and HTML parts.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { setupAnnounce, type AnnounceFixture } from "./fixture.js";

let f: AnnounceFixture | null = null;
afterEach(async () => {
  await f?.cleanup();
  f = null;
});

describe("announce by .eml file", () => {
  it("writes one message per batch, sends nothing over SMTP, and never writes the same stage twice", async () => {
    f = await setupAnnounce({
      notify: `
  email:
    from: "Acme Status <status@acme.test>"
    recipientsFile: $ROOT/recipients.txt
    outDir: $ROOT/outbox
    smtp: { host: 127.0.0.1, port: $SMTP }
`,
    });
    const r = await f.cli(["announce", "--stage", "resolved", "--channel", "email"]);
    expect(r.code, r.stderr).toBe(0);
    const outbox = join(f.fx.root, "outbox");
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^ENG-1234-resolved-[0-9a-f]+\.eml$/);
    const mail = await simpleParser(readFileSync(join(outbox, files[0]!)));
    expect(mail.subject).toBe("[Resolved] Expired tokens accepted");
    expect(mail.from?.text).toContain("status@acme.test");
    expect(mail.text).toContain("Expired tokens accepted");
    expect(typeof mail.html === "string" && mail.html.includes("<")).toBe(true);
    expect(f.mail.messages).toHaveLength(0);
    expect(r.stdout + r.stderr).toContain("written to");

    const again = await f.cli(["announce", "--stage", "resolved", "--channel", "email"]);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(outbox)).toHaveLength(1);
  });
});

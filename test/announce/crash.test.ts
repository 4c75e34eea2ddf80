// kill -9 between sending and recording (FIREBREAK_CRASH_AT=<effect key>:after-perform), then a
// re-run: nothing is posted twice. Where the service cannot be asked (a chat webhook, SMTP) the
// message is shown as "possibly sent" until a person says --resend; where it can (Statuspage, the
// static page) the re-run looks and records what it finds.

import { afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setupAnnounce, timeline, type AnnounceFixture } from "./fixture.js";

let f: AnnounceFixture | null = null;
afterEach(async () => {
  await f?.cleanup();
  f = null;
});

const NOTIFY = `
  slack:
    webhook: env:CHAT_URL_SLACK
  statuspage:
    apiKey: env:SP_KEY
    pageId: page1
    apiUrl: $RX/statuspage/v1
  staticPage:
    dir: $ROOT/status-site
  email:
    from: status@acme.test
    recipientsFile: $ROOT/recipients.txt
    batchSize: 2
    smtp: { host: 127.0.0.1, port: $SMTP }
`;

async function noGap(fx: AnnounceFixture) {
  const seqs = (await timeline(fx)).map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect((await fx.cli(["log", "--verify"])).code).toBe(0);
}

describe("kill -9 between sending and recording", () => {
  it("a Slack webhook post: the re-run shows 'possibly sent', posts nothing, and sends the other channels", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    const killed = await f.cli(["announce", "--stage", "identified"], { FIREBREAK_CRASH_AT: "announce:identified:slack:after-perform" });
    expect(killed.signal).toBe("SIGKILL");
    expect(f.rx.to("/slack/hook/")).toHaveLength(1);

    const again = await f.cli(["announce", "--stage", "identified"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\? slack\s+POSSIBLY SENT: identified message possibly sent: an earlier run stopped after sending/);
    expect(again.stdout).toContain("--resend slack");
    expect(again.stdout).toMatch(/✔ statuspage\s+sent/);
    expect(again.stdout).toMatch(/✔ email\s+sent/);
    expect(f.rx.to("/slack/hook/")).toHaveLength(1);

    // Still possibly sent on the next run; shown in the log and in --json.
    const third = await f.cli(["announce", "--stage", "identified", "--json"]);
    expect(third.json().outcomes.find((o: any) => o.channel === "slack").state).toBe("possibly-sent");
    expect(f.rx.to("/slack/hook/")).toHaveLength(1);
    const log = await f.cli(["log"]);
    expect(log.stdout).toContain("possibly done, unconfirmed: announce:identified:slack");
    const events = await timeline(f);
    expect(events.filter((e) => e.kind === "effect.possibly-done")).toHaveLength(1);
    expect(events.filter((e) => e.kind === "announce.sent" && e.data.channel === "slack")).toHaveLength(0);
    await noGap(f);

    // A person checked Slack and the message is not there: --resend posts it once more.
    const resend = await f.cli(["announce", "--stage", "identified", "--resend", "slack"]);
    expect(resend.code, resend.stderr).toBe(0);
    expect(resend.stdout).toMatch(/✔ slack\s+sent/);
    expect(f.rx.to("/slack/hook/")).toHaveLength(2);
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "POST")).toHaveLength(1);
    expect(f.mail.messages).toHaveLength(2);
  });

  it("a Statuspage incident: the re-run finds it on the page instead of opening a second one", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    const killed = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage"], {
      FIREBREAK_CRASH_AT: "announce:investigating:statuspage:after-perform",
    });
    expect(killed.signal).toBe("SIGKILL");
    const again = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcomes[0]).toMatchObject({ channel: "statuspage", state: "confirmed", ids: { statuspageId: "inc1abc" } });
    expect(f.rx.incidentsOnPage()).toHaveLength(1);
    const sent = (await timeline(f)).filter((e) => e.kind === "announce.sent");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ reconciled: true, statuspageId: "inc1abc" });

    // The update of the next stage, killed too, is also found on the page.
    const killed2 = await f.cli(["announce", "--stage", "identified", "--channel", "statuspage"], {
      FIREBREAK_CRASH_AT: "announce:identified:statuspage:after-perform",
    });
    expect(killed2.signal).toBe("SIGKILL");
    const again2 = await f.cli(["announce", "--stage", "identified", "--channel", "statuspage", "--json"]);
    expect(again2.json().outcomes[0].state).toBe("confirmed");
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "PATCH")).toHaveLength(1);
    await noGap(f);
  });

  it("a create killed at one stage, then the next stage: that incident is updated, no second one opened", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    const killed = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage"], {
      FIREBREAK_CRASH_AT: "announce:investigating:statuspage:after-perform",
    });
    expect(killed.signal).toBe("SIGKILL");
    // Nobody re-ran investigating; the next stage comes straight away.
    const next = await f.cli(["announce", "--stage", "identified", "--channel", "statuspage", "--json"]);
    expect(next.code, next.stderr).toBe(0);
    expect(f.rx.incidentsOnPage()).toHaveLength(1);
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "POST")).toHaveLength(1);
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "PATCH")).toHaveLength(1);
    await noGap(f);
  });

  it("a create whose answer was lost, then --resend statuspage: the page is asked first and no second incident is opened", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    // Statuspage opens the incident; a gateway loses the answer (504): possibly sent.
    f.rx.answerNext("/statuspage/v1/pages/page1/incidents", "lose-answer", "POST");
    const lost = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage", "--json"]);
    expect(lost.json().outcomes[0].state, lost.stdout + lost.stderr).toBe("possibly-sent");
    expect(f.rx.incidentsOnPage()).toHaveLength(1);
    // A person looked in the wrong place and says: send it again.
    const resent = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage", "--resend", "statuspage", "--json"]);
    expect(resent.code, resent.stderr).toBe(0);
    expect(resent.json().outcomes[0]).toMatchObject({ channel: "statuspage", ids: { statuspageId: "inc1abc" } });
    expect(f.rx.incidentsOnPage()).toHaveLength(1);
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "POST")).toHaveLength(1);
    // Subscribers were not told "investigating" twice either.
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "PATCH")).toHaveLength(0);
    // The next stage updates that incident.
    expect((await f.cli(["announce", "--stage", "identified", "--channel", "statuspage"])).code).toBe(0);
    expect(f.rx.incidentsOnPage()[0].incident_updates.map((u: { status: string }) => u.status)).toEqual(["identified", "investigating"]);
    await noGap(f);
  });

  it("an update killed before it was recorded, with a team template whose text changed since: found by its stage, not posted again", async () => {
    f = await setupAnnounce({ notify: NOTIFY, templates: { "statuspage-body.txt": "{{publicUpdate}}\n\nWhat we know: {{impact}}\n" } });
    expect((await f.cli(["note", "--impact", "some users stay signed in"])).code).toBe(0);
    expect((await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage"])).code).toBe(0);
    const killed = await f.cli(["announce", "--stage", "identified", "--channel", "statuspage"], {
      FIREBREAK_CRASH_AT: "announce:identified:statuspage:after-perform",
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "PATCH")).toHaveLength(1);
    // The template's text is different now: the re-run renders another body.
    expect((await f.cli(["note", "--impact", "every signed-out user stayed signed in for 2 hours"])).code).toBe(0);
    const again = await f.cli(["announce", "--stage", "identified", "--channel", "statuspage", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcomes[0].state).toBe("confirmed");
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(f.rx.incidentsOnPage()[0].incident_updates.filter((u: { status: string }) => u.status === "identified")).toHaveLength(1);
    await noGap(f);
  });

  it("the static page: the re-run sees the update in status.json", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    const killed = await f.cli(["announce", "--stage", "monitoring", "--channel", "statuspage-static"], {
      FIREBREAK_CRASH_AT: "announce:monitoring:statuspage-static:after-perform",
    });
    expect(killed.signal).toBe("SIGKILL");
    const again = await f.cli(["announce", "--stage", "monitoring", "--channel", "statuspage-static", "--json"]);
    expect(again.json().outcomes[0].state).toBe("confirmed");
    const doc = JSON.parse(readFileSync(join(f.statusDir, "status.json"), "utf8"));
    expect(doc.incidents[0].updates).toHaveLength(1);
  });

  it("an e-mail batch: the re-run sends the other batch only, and holds the interrupted one as possibly sent", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    // The key of the first batch (ana, bo): the hashes of its addresses, as the journal keeps them.
    const h = (s: string) => createHash("sha256").update(s).digest("hex");
    const first = h(["ana@customer.test", "bo@customer.test"].map((a) => h(a).slice(0, 16)).join("\n")).slice(0, 12);
    const killed = await f.cli(["announce", "--stage", "resolved", "--channel", "email"], {
      FIREBREAK_CRASH_AT: `announce:resolved:email:${first}:after-perform`,
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(f.mail.messages).toHaveLength(1);

    const again = await f.cli(["announce", "--stage", "resolved", "--channel", "email"]);
    expect(again.stdout).toMatch(/\? email\s+POSSIBLY SENT: resolved e-mail: sent to 1, 2 possibly sent by an interrupted run/);
    expect(f.mail.messages).toHaveLength(2);
    expect(f.mail.messages.flatMap((m) => m.to).sort()).toEqual(["ana@customer.test", "bo@customer.test", "cy@customer.test"]);
    // The resolution went out on a channel, so it is recorded (once).
    expect((await timeline(f)).filter((e) => e.kind === "announce.resolved")).toHaveLength(1);

    const third = await f.cli(["announce", "--stage", "resolved", "--channel", "email"]);
    expect(third.stdout).toMatch(/\? email\s+POSSIBLY SENT: resolved e-mail: 1 already sent earlier, 2 possibly sent/);
    expect(f.mail.messages).toHaveLength(2);
    await noGap(f);
  });
});

describe("the static page written as one step", () => {
  it("kill -9 between its two renames: the re-run publishes the whole page, and no temporary file is left in the public folder", async () => {
    f = await setupAnnounce({ notify: "\n  staticPage:\n    dir: $ROOT/status-site\n" });
    const site = f.statusDir;
    const killed = await f.cli(["announce", "--stage", "identified"], { FIREBREAK_CRASH_AT: "static-page:between-renames" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");

    const again = await f.cli(["announce", "--stage", "identified"]);
    expect(again.code, again.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(site, "status.json"), "utf8")) as { incidents: Array<{ updates: Array<{ stage: string }> }> };
    expect(doc.incidents[0]!.updates.map((u) => u.stage)).toEqual(["identified"]);
    // The public page itself shows the update that the record says went out.
    expect(readFileSync(join(site, "index.html"), "utf8")).toMatch(/identified/i);
    expect(readdirSync(site).sort()).toEqual(["index.html", "status.json"]);
    expect(readdirSync(dirname(site)).filter((n) => n.includes("firebreak-"))).toEqual([]);
    await noGap(f);
  });
});

describe("a failed read is a clean failure", () => {
  it("Statuspage's search answers 500: nothing was posted, so the channel failed (not 'possibly sent') and the re-run just sends", async () => {
    f = await setupAnnounce({ notify: NOTIFY });
    f.rx.answerNext("/statuspage/v1/pages/page1/incidents", { status: 500, body: "internal error" }, "GET");
    const failed = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage", "--json"]);
    expect(failed.code).toBe(9);
    expect(failed.json().outcomes[0].state, failed.stdout + failed.stderr).toBe("failed");
    expect(failed.stdout + failed.stderr).toContain("could not be read (HTTP 500)");
    expect(f.rx.to("/statuspage/").filter((r) => r.method === "POST")).toHaveLength(0);

    const again = await f.cli(["announce", "--stage", "investigating", "--channel", "statuspage", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcomes[0].state).toBe("sent");
    expect(f.rx.incidentsOnPage()).toHaveLength(1);
    await noGap(f);
  });
});

// The Slack app end to end against the stand-in Slack: signed requests refused when bad, old or
// replayed; commands and clicks acting as the linked person with their token's role; the
// incident message posted once and updated in place; double clicks done once; private incidents
// kept out of the shared channel; rate limits honoured.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import { seedIncident, token } from "../server/fixture.js";
import { startRig, type SlackRig } from "./fixture.js";

let rig: SlackRig;
beforeAll(async () => {
  rig = await startRig("sqlite");
  for (const [name, role] of [
    ["vera", "viewer"],
    ["rita", "responder"],
    ["anna", "approver"],
    ["ari", "approver"],
    ["cole", "commander"],
  ] as const)
    await token(rig.s.storage, name, role);
  await rig.link("U_VERA", "vera");
  await rig.link("U_RITA", "rita");
  await rig.link("U_ANNA", "anna");
  await rig.link("U_ARI", "ari");
  await rig.link("U_COLE", "cole");
});
afterAll(async () => {
  await rig?.stop();
});

async function answer(req: { responseId: string }, what = "an answer"): Promise<{ text: string; response_type: string }> {
  const b = await rig.slack.waitFor(what, () => rig.slack.answersTo(req.responseId)[0]);
  return b as { text: string; response_type: string };
}

async function timeline(incidentId: string) {
  return rig.s.storage.store.timeline(incidentId);
}

/** The message for an incident in a channel, once posted. */
async function messageOf(channel: string, ticketOrText: string) {
  return rig.slack.waitFor(`a message in ${channel} with ${ticketOrText}`, () =>
    rig.slack.messages.get(channel)?.find((m) => m.text.includes(ticketOrText) || JSON.stringify(m.blocks).includes(ticketOrText)),
  );
}

describe("request verification", () => {
  it("refuses a bad signature, an old timestamp, an unsigned request and a replay, doing nothing for any", async () => {
    const cmd = rig.slack.command("U_RITA", "help");
    const bad = await rig.send(cmd, rig.slack.sign(cmd.body, undefined, "not-the-secret"));
    expect(bad.status).toBe(401);
    expect(JSON.stringify(await bad.json())).toContain("signature does not match");

    const old = await rig.send(cmd, rig.slack.sign(cmd.body, Math.floor(Date.now() / 1000) - 6 * 60));
    expect(old.status).toBe(401);
    expect(JSON.stringify(await old.json())).toContain("more than five minutes");

    const unsigned = await rig.send(cmd, {});
    expect(unsigned.status).toBe(401);

    const tampered = rig.slack.sign(cmd.body);
    const changed = { ...cmd, body: cmd.body.replace("help", "list") };
    expect((await rig.send(changed, tampered)).status).toBe(401);

    const headers = rig.slack.sign(cmd.body);
    expect((await rig.send(cmd, headers)).status).toBe(200);
    await answer(cmd);
    const replay = await rig.send(cmd, headers);
    expect(replay.status).toBe(401);
    expect(JSON.stringify(await replay.json())).toContain("replay");
    // Only the one accepted request was answered.
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.slack.answersTo(cmd.responseId)).toHaveLength(1);
  });

  it("answers Slack's URL check with its challenge", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "c-123", token: "x" });
    const res = await rig.send({ path: "/slack/events", body, contentType: "application/json" });
    expect(await res.json()).toEqual({ challenge: "c-123" });
  });
});

describe("linking", () => {
  it("links with a one-time code; a used, unknown or malformed code links nobody", async () => {
    await token(rig.s.storage, "lena", "responder");
    const tok = (await rig.s.storage.records.listTokens()).find((t) => t.name === "lena")!;
    const { code } = await rig.s.storage.records.slack().createLinkCode(tok.id);
    const first = rig.slack.command("U_LENA", `link ${code}`);
    await rig.send(first);
    expect((await answer(first)).text).toContain("you act as lena (responder)");
    const again = rig.slack.command("U_OTHER", `link ${code}`);
    await rig.send(again);
    expect((await answer(again)).text).toMatch(/link code is unknown, used or expired/);
    const unknown = rig.slack.command("U_OTHER", "link FBL-000000000000");
    await rig.send(unknown);
    expect((await answer(unknown)).text).toMatch(/unknown, used or expired/);
    expect(await rig.s.storage.records.slack().linkedToken("T1", "U_OTHER")).toBeUndefined();
    // The audit log names the link, never the code.
    const log = JSON.stringify(await rig.s.storage.records.auditLog());
    expect(log).toContain("slack.linked");
    expect(log).not.toContain(code);
  });

  it("an unlinked user reads but may not write", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P2" });
    const status = rig.slack.command("U_NOBODY", `status ${incident.ticket}`);
    await rig.send(status);
    const st = await answer(status);
    expect(st.text).toContain(incident.ticket);
    expect(st.response_type).toBe("ephemeral");
    expect(st.text).toMatch(/Next: /);
    const note = rig.slack.command("U_NOBODY", `note ${incident.ticket} looking at it`);
    await rig.send(note);
    expect((await answer(note)).text).toMatch(/Only a linked person may do this/);
    expect((await timeline(incident.id)).some((e) => e.kind === "note")).toBe(false);
  });
});

describe("commands", () => {
  it("status, list, note and help answer the person who asked", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    const list = rig.slack.command("U_RITA", "list");
    await rig.send(list);
    expect((await answer(list)).text).toContain(incident.ticket);
    const note = rig.slack.command("U_RITA", `note ${incident.ticket} cache flushed on eu-1`);
    await rig.send(note);
    expect((await answer(note)).text).toContain(`Note added to ${incident.ticket} by rita`);
    const noted = (await timeline(incident.id)).find((e) => e.kind === "note");
    expect(noted?.actor).toBe("rita");
    expect(noted?.data.text).toBe("cache flushed on eu-1");
    const help = rig.slack.command("U_RITA", "help");
    await rig.send(help);
    expect((await answer(help)).text).toContain("/firebreak status");
  });

  it("triage opens a modal with the criteria and answers the level", async () => {
    const cmd = rig.slack.command("U_RITA", "triage");
    await rig.send(cmd);
    const open = await rig.slack.waitFor("views.open", () => rig.slack.callsOf("views.open").at(-1));
    const view = open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { element: { options: { value: string }[] } }[];
    };
    expect(view.blocks[0]!.element.options.map((o) => o.value)).toContain("auth-bypass");
    const before = rig.slack.callsOf("chat.postEphemeral").length;
    const res = await rig.send(
      rig.slack.submit("U_RITA", view.callback_id, view.private_metadata, { criteria: ["production-unavailable"] }),
    );
    expect(res.status).toBe(200);
    const told = await rig.slack.waitFor("the triage answer", () => rig.slack.callsOf("chat.postEphemeral").slice(before)[0]);
    expect(String(told.args.text)).toMatch(/^\*P\d\*/);
    expect(String(told.args.text)).toMatch(/by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(String(told.args.text)).toContain("firebreak start");
    expect(told.args.user).toBe("U_RITA");
  });
});

describe("the incident message", () => {
  it("is posted once in the incident channel and updated in place on new events", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    const msg = await messageOf("C_INC", incident.ticket);
    expect(JSON.stringify(msg.blocks)).toContain("Confirm on-call told");
    const click = rig.slack.click("U_RITA", "fb_oncall", incident.id);
    await rig.send(click);
    expect((await answer(click)).text).toContain("confirmed the on-call engineer was told");
    await rig.slack.waitFor(
      "the message updated without the on-call button",
      () => !JSON.stringify(msg.blocks).includes("Confirm on-call told"),
    );
    expect(msg.edits).toBeGreaterThan(0);
    const posts = rig.slack.callsOf("chat.postMessage").filter((c) => String(c.args.text).includes(incident.ticket));
    expect(posts).toHaveLength(1);
    expect(rig.slack.messages.get("C_INC")!.filter((m) => m.text.includes(incident.ticket))).toHaveLength(1);
  });
});

describe("approve and waive", () => {
  it("approve: refused to a responder and to the fix's author (only to them), done by another approver", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1", pr: true, committedBy: "anna" });
    const msg = await messageOf("C_INC", incident.ticket);
    expect(JSON.stringify(msg.blocks)).toContain("Approve");

    const byResponder = rig.slack.click("U_RITA", "fb_approve", incident.id);
    await rig.send(byResponder);
    const r1 = await answer(byResponder);
    expect(r1.text).toMatch(/rita is a responder: approving a fix needs the approver role/);
    expect(r1.response_type).toBe("ephemeral");

    const byAuthor = rig.slack.click("U_ANNA", "fb_approve", incident.id);
    await rig.send(byAuthor);
    expect((await answer(byAuthor)).text).toMatch(/anna made a commit of .*: an approval must come from someone else/);

    const byOther = rig.slack.click("U_ARI", "fb_approve", incident.id);
    await rig.send(byOther);
    expect((await answer(byOther)).text).toContain(`ari approved ${incident.ticket}'s fix`);
    const approvals = (await timeline(incident.id)).filter((e) => e.kind === "review.approved");
    expect(approvals.map((e) => e.actor)).toEqual(["ari"]);
    await rig.slack.waitFor("the message shows the approval", () => JSON.stringify(msg.blocks).includes("*Approved* by ari"));
    const audit = (await rig.s.storage.records.auditLog()).filter((a) => a.target === incident.id);
    expect(audit.map((a) => [a.actor, a.action])).toEqual(
      expect.arrayContaining([
        ["rita", "refused"],
        ["anna", "refused"],
        ["ari", "approval"],
      ]),
    );
  });

  it("roll back: a commander confirms the rollback an agent planned, behind Slack's confirmation; a responder is refused", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P0", pr: true, committedBy: "someone" });
    const planId = "plan_0123456789ab";
    await rig.s.storage.store.appendEvent(incident.id, {
      at: new Date().toISOString(),
      actor: "agent (ci-agent)",
      ...event("plan.made", {
        id: planId,
        step: "rollback",
        needsPerson: true,
        head: null,
        lastEvent: null,
        input: { strategy: "previous" },
        summary: "roll production back to v1.4.2",
      }),
    });
    const msg = await messageOf("C_INC", incident.ticket);
    await rig.slack.waitFor("the Roll back button", () => JSON.stringify(msg.blocks).includes("Roll back production?"));

    const byResponder = rig.slack.click("U_RITA", "fb_rollback", `${incident.id} ${planId}`);
    await rig.send(byResponder);
    expect((await answer(byResponder)).text).toMatch(/rita is a responder: rolling back needs the commander role/);

    const byCommander = rig.slack.click("U_COLE", "fb_rollback", `${incident.id} ${planId}`);
    const again = rig.slack.click("U_COLE", "fb_rollback", `${incident.id} ${planId}`);
    await Promise.all([rig.send(byCommander), rig.send(again)]);
    const answers = [(await answer(byCommander)).text, (await answer(again)).text];
    expect(answers.filter((t) => t.includes(`cole confirmed the rollback of ${incident.ticket}`))).toHaveLength(1);
    const confirmed = (await timeline(incident.id)).filter((e) => e.kind === "plan.confirmed");
    expect(confirmed.map((e) => [e.actor, e.data.via])).toEqual([["cole", "slack"]]);
  });

  it("a double click approves once", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1", pr: true, committedBy: "someone" });
    const a = rig.slack.click("U_ARI", "fb_approve", incident.id);
    const b = rig.slack.click("U_ARI", "fb_approve", incident.id);
    const [ra, rb] = await Promise.all([rig.send(a), rig.send(b)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const answers = [(await answer(a)).text, (await answer(b)).text];
    expect(answers.filter((t) => t.includes(`ari approved ${incident.ticket}`))).toHaveLength(1);
    expect(answers.filter((t) => t.startsWith("Already done"))).toHaveLength(1);
    expect((await timeline(incident.id)).filter((e) => e.kind === "review.approved")).toHaveLength(1);
  });

  it("waive: a modal for a commander at P0 records the waiver with its reason; a responder is refused before any modal", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P0", pr: true, committedBy: "someone" });
    const msg = await messageOf("C_INC", incident.ticket);
    expect(JSON.stringify(msg.blocks)).toContain("Waive approval");
    const opensBefore = rig.slack.callsOf("views.open").length;
    const byResponder = rig.slack.click("U_RITA", "fb_waive", incident.id);
    await rig.send(byResponder);
    expect((await answer(byResponder)).text).toMatch(/needs the commander role/);
    expect(rig.slack.callsOf("views.open")).toHaveLength(opensBefore);

    const byCommander = rig.slack.click("U_COLE", "fb_waive", incident.id);
    await rig.send(byCommander);
    const open = await rig.slack.waitFor("the waiver modal", () => rig.slack.callsOf("views.open").slice(opensBefore)[0]);
    const view = open.args.view as { callback_id: string; private_metadata: string };
    const ephemerals = rig.slack.callsOf("chat.postEphemeral").length;
    await rig.send(
      rig.slack.submit("U_COLE", view.callback_id, view.private_metadata, { reason: "customers locked out, reviewer asleep" }),
    );
    const told = await rig.slack.waitFor("the waiver answer", () => rig.slack.callsOf("chat.postEphemeral").slice(ephemerals)[0]);
    expect(String(told.args.text)).toContain("cole waived the approval");
    expect(told.args.user).toBe("U_COLE");
    const waived = (await timeline(incident.id)).filter((e) => e.kind === "gate.waived" || e.kind.includes("waive"));
    expect(waived).toHaveLength(1);
    expect(JSON.stringify(waived[0]!.data)).toContain("customers locked out");
    await rig.slack.waitFor("the message shows the waiver", () => JSON.stringify(msg.blocks).includes("Approval waived"));
  });
});

describe("private incidents", () => {
  it("the shared channel gets only a notice with a way to ask; the private channel the full message", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P0", criteria: ["data-exposure"] });
    const full = await messageOf("G_SEC", incident.ticket);
    expect(full.text).toContain(incident.title);
    const shared = await rig.slack.waitFor("the notice in the shared channel", () =>
      rig.slack.messages.get("C_INC")?.find((m) => (m.metadata?.event_payload as { incident?: string })?.incident === incident.id),
    );
    expect(JSON.stringify(shared)).not.toContain(incident.ticket);
    expect(JSON.stringify(shared)).not.toContain(incident.title);
    expect(shared.text).toContain("private incident");

    // Reading it from Slack: as missing for a viewer, visible to a commander.
    const st = rig.slack.command("U_VERA", `status ${incident.ticket}`);
    await rig.send(st);
    expect((await answer(st)).text).toContain(`No incident ${incident.ticket} that you may see`);
    const list = rig.slack.command("U_VERA", "list");
    await rig.send(list);
    expect((await answer(list)).text).not.toContain(incident.ticket);
    const cst = rig.slack.command("U_COLE", `status ${incident.ticket}`);
    await rig.send(cst);
    expect((await answer(cst)).text).toContain(incident.ticket);

    const ask = rig.slack.click("U_VERA", "fb_access", incident.id);
    await rig.send(ask);
    expect((await answer(ask)).text).toContain("Your request is recorded");
    const asked = (await rig.s.storage.records.auditLog()).find((a) => a.action === "access.requested" && a.target === incident.id);
    expect(asked?.actor).toBe("vera");
    // A click on a button of a message a viewer may not see does nothing.
    const note = rig.slack.click("U_VERA", "fb_oncall", incident.id);
    await rig.send(note);
    expect((await answer(note)).text).toContain("that you may see");
  });
});

// The Slack app on a server of two teams: a Slack user linked through a code made for a team's
// token acts in that team (even with a name another team also uses), sees nothing of the other
// team and changes nothing of it; the incident messages are the app's team's only.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Incident } from "../../src/domain/types.js";
import { issueToken } from "../../src/server/tokens.js";
import { seedIncident, token } from "../server/fixture.js";
import { startRig, type SlackRig } from "./fixture.js";

let rig: SlackRig;
let bravoInc: Incident;
let defaultInc: Incident;

beforeAll(async () => {
  rig = await startRig("postgres");
  const bravo = rig.s.storage.records.forTeam("bravo");
  await token(rig.s.storage, "rita", "responder");
  await rig.link("U_RITA", "rita");
  // Team bravo's own rita, linked with a code made for her token.
  const { token: bravoRita } = await issueToken(bravo, { name: "rita", role: "approver" }, "tests", new Date());
  const { code } = await bravo.slack().createLinkCode(bravoRita.id);
  const link = rig.slack.command("U_BRITA", `link ${code}`);
  await rig.send(link);
  await rig.slack.waitFor("the link answer", () => rig.slack.answersTo(link.responseId)[0]);
  const at = new Date().toISOString();
  bravoInc = await rig.s.storage.store.forTeam("bravo").createIncident(
    {
      ticket: "ENG-7",
      title: "bravo payments outage",
      priority: "P1",
      criteria: ["production-unavailable"],
      discoveredAt: at,
      deadlineAt: at,
      branch: "hotfix/ENG-7",
      base: "main",
      remote: "origin",
    },
    { at, actor: "dev", ...event("incident.started", { priority: "P1", criteria: ["production-unavailable"], summary: "started" }) },
  );
  defaultInc = await seedIncident(rig.s.storage, { priority: "P1" });
});
afterAll(async () => {
  await rig?.stop();
});

async function answer(req: { responseId: string }): Promise<string> {
  const b = (await rig.slack.waitFor("an answer", () => rig.slack.answersTo(req.responseId)[0])) as { text: string };
  return b.text;
}

describe("the Slack app on a server of two teams", () => {
  it("lets a person linked to a team's token work in that team only", async () => {
    const list = rig.slack.command("U_BRITA", "list");
    await rig.send(list);
    const listed = await answer(list);
    expect(listed).toContain("ENG-7");
    expect(listed).not.toContain(defaultInc.ticket);

    const status = rig.slack.command("U_BRITA", `status ${defaultInc.ticket}`);
    await rig.send(status);
    expect(await answer(status)).toMatch(/No incident/);
    const note = rig.slack.command("U_BRITA", `note ${defaultInc.ticket} from bravo`);
    await rig.send(note);
    expect(await answer(note)).toMatch(/No incident/);
    const click = rig.slack.click("U_BRITA", "fb_approve", defaultInc.id);
    await rig.send(click);
    expect(await answer(click)).toMatch(/No incident/);
    expect((await rig.s.storage.store.timeline(defaultInc.id)).map((e) => e.kind)).toEqual(["incident.started"]);

    const own = rig.slack.command("U_BRITA", "note ENG-7 card processor restarted");
    await rig.send(own);
    expect(await answer(own)).toContain("Note added to ENG-7 by rita");
    const noted = (await rig.s.storage.store.forTeam("bravo").timeline(bravoInc.id)).find((e) => e.kind === "note");
    expect(noted?.data.text).toBe("card processor restarted");

    // The default team's rita sees her own team, not bravo's.
    const hers = rig.slack.command("U_RITA", "list");
    await rig.send(hers);
    const mine = await answer(hers);
    expect(mine).toContain(defaultInc.ticket);
    expect(mine).not.toContain("ENG-7");
  });

  it("posts the app's team's incidents only", async () => {
    await rig.slack.waitFor("the default team's incident message", () =>
      rig.slack.messages.get("C_INC")?.find((m) => m.text.includes(defaultInc.ticket)),
    );
    // A new event on bravo's incident after the default one's message: still nothing of bravo's.
    await rig.s.storage.store
      .forTeam("bravo")
      .appendEvent(bravoInc.id, { at: new Date().toISOString(), actor: "dev", ...event("note", { text: "later", summary: "n" }) });
    await new Promise((r) => setTimeout(r, 1500));
    const all = JSON.stringify([...rig.slack.messages.values()]);
    expect(all).not.toContain("bravo payments outage");
    expect(all).not.toContain(bravoInc.id);
    expect(all).not.toContain("ENG-7");
  });
});

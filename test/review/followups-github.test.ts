// firebreak followups on the GitHub forge: issues and the resolution comment, against the contract
// server that holds every request to GitHub's OpenAPI description.

import { afterEach, describe, expect, it } from "vitest";
import { makeIncident, shipAndVerify, type IncidentFixture } from "./fixture.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";

const TOKEN = "ghp_reviewtest0123456789abcdefABCDEF01";
let f: IncidentFixture | undefined;
let gh: ContractServer | undefined;
afterEach(async () => {
  f?.fx.cleanup();
  await gh?.close();
  f = undefined;
  gh = undefined;
});

async function setup(): Promise<IncidentFixture> {
  gh = await startContractServer();
  // The incident's ticket is GitHub issue #1.
  const seeded = await fetch(`${gh.url}/repos/acme/api/issues`, {
    method: "POST",
    headers: { authorization: `token ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ title: "Expired tokens accepted" }),
  });
  expect(seeded.status).toBe(201);
  const config = `checks:\n  test: "node -e 0"\nforge:\n  type: github\n  repo: acme/api\n  baseUrl: ${gh.url}\n  token: env:GH_TEST_TOKEN\n`;
  const fx = await makeIncident({ ticket: "GH-1", config });
  await fx.ok(["action", "add", "Alert on token expiry errors", "--owner", "dana", "--due", "2026-12-01"]);
  await fx.ok(["action", "add", "Remove the @here <b>bypass</b>", "--owner", "raj", "--due", "2026-12-03"]);
  return fx;
}

const env = { GH_TEST_TOKEN: TOKEN };

describe("firebreak followups on GitHub", () => {
  it("opens one issue per action item and comments the resolution on the ticket's issue, once", async () => {
    f = await setup();
    await shipAndVerify(f);
    const r = await f.ok(["followups", "--json"], { env });
    expect(gh!.errors).toEqual([]);
    const out = r.json();
    expect(out.tracker).toBe("github");
    const made = [...gh!.state.issues.values()].filter((i) => i.number !== 1);
    expect(made.map((i) => i.title)).toEqual(["[GH-1] Alert on token expiry errors", "[GH-1] Remove the @here <b>bypass</b>"]);
    // People's text in the body cannot mention or mark up.
    expect(String(made[1]!.body)).toContain("&lt;b&gt;bypass&lt;/b&gt;");
    expect(String(made[1]!.body)).not.toContain("@here");
    expect(out.opened.map((l: { ref: string; url: string }) => l.ref)).toEqual(made.map((i) => `#${i.number}`));
    expect(out.opened[0].url).toBe(made[0]!.html_url);
    const comments = gh!.state.comments.get(1) ?? [];
    expect(comments).toHaveLength(1);
    expect(String(comments[0]!.body)).toContain("Resolved: GH-1");
    expect(String(comments[0]!.body)).toContain(String(made[0]!.html_url));
    expect(gh!.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);

    const sent = gh!.requests.length;
    const again = await f.ok(["followups", "--json"], { env });
    expect(again.json().opened).toEqual([]);
    expect(gh!.requests.length).toBe(sent);
    const status = (await f.ok(["status", "--json"])).json();
    expect(status.incident.data.followups.ticketComment.url).toBe(comments[0]!.html_url);
    expect(JSON.stringify(status)).not.toContain(TOKEN);
  });

  it("a GitHub failure with no way to check is left to a person, the other item still opens, and --resend A1 opens A1 once", async () => {
    f = await setup();
    gh!.inject("issues/create", { kind: "status", status: 502 });
    const r = await f.fb(["followups"], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/A1 +POSSIBLY OPENED: .*the outcome cannot be checked/);
    expect(r.stdout).toContain("Next: look in acme/api for A1; for those that are not there: firebreak followups --resend A1");
    // A1 failed unconfirmed; A2 went on and was opened, and is listed.
    expect([...gh!.state.issues.values()]).toHaveLength(2);
    expect(r.stdout).toMatch(/A2 +http/);
    // Run again without --resend: it still refuses to guess about A1, and A2 is not opened again.
    expect((await f.fb(["followups"], { env })).code).toBe(4);
    expect([...gh!.state.issues.values()]).toHaveLength(2);
    const resent = await f.ok(["followups", "--resend", "A1", "--json"], { env });
    expect(resent.json().opened.map((l: { action: string }) => l.action)).toEqual(["A1"]);
    expect(resent.json().unconfirmed).toEqual([]);
    expect([...gh!.state.issues.values()]).toHaveLength(3);
    expect(gh!.errors).toEqual([]);
    // Nothing deployed: no resolution comment yet.
    expect(resent.json().commentSkipped).toContain("not in production yet");
  });

  it("several unconfirmed items: each outcome is listed, --resend sends only the ids named, and the resolution comment waits to link them all", async () => {
    f = await setup();
    await f.ok(["action", "add", "Document the token checks", "--owner", "ana", "--due", "2026-12-05"]);
    await shipAndVerify(f);
    // The first two creates get an answer that says nothing about whether the issue was made.
    gh!.inject("issues/create", { kind: "status", status: 502 });
    gh!.inject("issues/create", { kind: "status", status: 502 });
    const first = await f.fb(["followups", "--json"], { env });
    expect(first.code).toBe(4);
    const out = first.json();
    expect(out.unconfirmed.map((u: { item: string }) => u.item)).toEqual(["A1", "A2"]);
    expect(out.unconfirmed[0].settle).toContain("firebreak followups --resend A1");
    expect(out.opened.map((l: { action: string }) => l.action)).toEqual(["A3"]);
    expect(out.comment).toBeNull();
    expect(out.commentSkipped).toContain("waits until A1, A2 are settled");
    expect(gh!.state.comments.get(1) ?? []).toHaveLength(0);

    // The person finds A1 missing and has not looked for A2 yet: only A1 is sent again.
    const one = await f.fb(["followups", "--resend", "A1"], { env });
    expect(one.code, one.stderr).toBe(4);
    expect(one.stdout).toMatch(/A1 +http/);
    expect(one.stdout).toMatch(/A2 +POSSIBLY OPENED/);
    expect(one.stdout).toMatch(/A3 +http\S+ +\(already open\)/);
    expect(one.stdout).toContain("resolution comment not posted: it waits until A2 is settled");
    expect(one.stderr).toContain("Opened 1 follow-up for GH-1 in acme/api (1 already open); A2 of GH-1 may have been sent");
    const titles = () => [...gh!.state.issues.values()].filter((i) => i.number !== 1).map((i) => String(i.title));
    expect(titles().sort()).toEqual(["[GH-1] Alert on token expiry errors", "[GH-1] Document the token checks"]);

    // A name that is not an item is refused, and nothing is sent.
    const typo = await f.fb(["followups", "--resend", "A9,comment"], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("--resend A9: not an action item of GH-1 (its items: A1, A2, A3; or comment)");
    expect(titles()).toHaveLength(2);

    // Then A2 (ids are case-insensitive, repeatable or comma-separated): the comment goes out with every link.
    const rest = await f.ok(["followups", "--resend", "a2", "--resend", "A3", "--json"], { env });
    expect(rest.json().opened.map((l: { action: string }) => l.action)).toEqual(["A2"]);
    expect(rest.json().unconfirmed).toEqual([]);
    expect(titles()).toHaveLength(3);
    const comments = gh!.state.comments.get(1) ?? [];
    expect(comments).toHaveLength(1);
    for (const issue of [...gh!.state.issues.values()].filter((i) => i.number !== 1))
      expect(String(comments[0]!.body)).toContain(String(issue.html_url));
    expect(gh!.errors).toEqual([]);
  });

  it("a ticket that is not a GitHub issue gets no comment, and the output says why", async () => {
    gh = await startContractServer();
    const config = `checks:\n  test: "node -e 0"\nforge:\n  type: github\n  repo: acme/api\n  baseUrl: ${gh.url}\n  token: env:GH_TEST_TOKEN\n`;
    f = await makeIncident({ ticket: "ENG-1234", config });
    await f.ok(["action", "add", "Alert", "--owner", "dana", "--due", "2026-12-01"]);
    await shipAndVerify(f);
    const r = await f.ok(["followups"], { env });
    expect(r.stdout).toContain("resolution comment not posted: ENG-1234 is not a ticket in acme/api");
    expect(gh.state.comments.size).toBe(0);
    expect(gh.errors).toEqual([]);
  });
});

// What an agent reads besides tools: the incident, its timeline and checklist as resources, the
// "handle this incident" prompt, progress while the checks run and a cancelled check on the record.
// Secrets the server knows never reach the agent.

import { CallToolResultSchema, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let fx: GitFixture | undefined;
afterEach(async () => {
  await closeAll();
  fx?.cleanup();
  fx = undefined;
});

async function incidentRepo(checkCommand: string): Promise<GitFixture> {
  const f = makeRepo();
  f.commit("chore: firebreak config", { ".firebreak.yml": `checks:\n  test: ${JSON.stringify(checkCommand)}\n` });
  f.git("push", "-q", "origin", "main");
  const r = await firebreak(f.work, ["start", "ENG-9", "Expired tokens accepted", "--priority", "P1"]);
  expect(r.code, r.stderr).toBe(0);
  f.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
  f.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
  return f;
}

const kinds = async (f: GitFixture): Promise<string[]> =>
  (await firebreak(f.work, ["log", "--json"])).json().events.map((e: { kind: string }) => e.kind);

describe("firebreak mcp: resources and the prompt", () => {
  it("lists the incident's record, timeline and checklist, reads them without secrets, and offers the prompt", async () => {
    fx = await incidentRepo("node -e 0");
    const secret = "fb-sekret-4f9a2c7e1d";
    const s = await connect(fx.work, ["--allow", "incident"], {}, { TEAM_API_TOKEN: secret });
    const listed = (await s.client.listResources()).resources.map((r) => r.uri);
    expect(listed).toEqual(["firebreak://incident/ENG-9", "firebreak://incident/ENG-9/timeline", "firebreak://incident/ENG-9/checklist"]);

    const noted = await s.call("incident_note", { text: `the vendor key ${secret} was in the log` });
    expect(noted.isError, textOf(noted)).toBeFalsy();
    const timeline = (await s.client.readResource({ uri: "firebreak://incident/ENG-9/timeline" })).contents[0]!;
    const text = String((timeline as { text: string }).text);
    expect(text).toContain("the vendor key");
    expect(text).not.toContain(secret);
    const timelineKinds = JSON.parse(text).map((e: { kind: string }) => e.kind);
    expect([timelineKinds[0], timelineKinds.at(-1)]).toEqual(["incident.started", "note"]);

    const checklist = JSON.parse(
      String(((await s.client.readResource({ uri: "firebreak://incident/ENG-9/checklist" })).contents[0] as { text: string }).text),
    );
    expect(checklist.filter((i: { state: string }) => i.state === "next")).toHaveLength(1);
    const incident = JSON.parse(
      String(((await s.client.readResource({ uri: "firebreak://incident/ENG-9" })).contents[0] as { text: string }).text),
    );
    expect(incident).toMatchObject({ ticket: "ENG-9", priority: "P1" });

    expect((await s.client.listPrompts()).prompts.map((p) => p.name)).toEqual(["handle_incident"]);
    const prompt = await s.client.getPrompt({ name: "handle_incident", arguments: { ticket: "ENG-9" } });
    const said = (prompt.messages[0]!.content as { text: string }).text;
    expect(said).toContain("ENG-9 (P1)");
    expect(said).toContain("← next");
    expect(said).toContain("firebreak confirm-plan");
  });
});

describe("firebreak mcp: subscriptions", () => {
  it("tells a subscribed client when events land, from the agent's tools or from a person at the CLI", async () => {
    fx = await incidentRepo("node -e 0");
    const s = await connect(fx.work, ["--allow", "incident"]);
    expect(s.client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
    const updated: string[] = [];
    s.client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => void updated.push(n.params.uri));
    const uri = "firebreak://incident/ENG-9/timeline";
    await s.client.subscribeResource({ uri });

    const waitFor = async (count: number) => {
      // Bounded: the server polls the record about once a second.
      for (let i = 0; i < 80 && updated.length < count; i++) await new Promise((r) => setTimeout(r, 250));
      return updated.length;
    };
    expect((await s.call("incident_note", { text: "agent: looking at the token check" })).isError).toBeFalsy();
    expect(await waitFor(1)).toBe(1);
    expect(updated[0]).toBe(uri);

    expect((await firebreak(fx.work, ["note", "person: I reproduced it"])).code).toBe(0);
    expect(await waitFor(2)).toBe(2);

    // Unsubscribed from the timeline, subscribed to the checklist: the next event is told for the
    // checklist only (both would be told in the same pass if the timeline were still watched).
    await s.client.unsubscribeResource({ uri });
    await s.client.subscribeResource({ uri: "firebreak://incident/ENG-9/checklist" });
    expect((await s.call("incident_note", { text: "not watched any more" })).isError).toBeFalsy();
    expect(await waitFor(3)).toBe(3);
    expect(updated.slice(2)).toEqual(["firebreak://incident/ENG-9/checklist"]);
  });
});

describe("firebreak mcp: the checks as a long operation", () => {
  it("reports progress as each check starts and ends", async () => {
    fx = await incidentRepo("node -e 0");
    const s = await connect(fx.work, ["--allow", "fix"]);
    const seen: string[] = [];
    const r = await s.client.callTool({ name: "fix_check", arguments: {} }, CallToolResultSchema, {
      onprogress: (p) => void seen.push(String(p.message)),
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ ok: true, passed: ["test"] });
    // The configured check runs; the ones not configured are reported as missing.
    expect(seen.slice(0, 2)).toEqual(["test: running", "test: passed"]);
    expect(seen.slice(2).every((m) => m.endsWith(": missing"))).toBe(true);
    expect(await kinds(fx)).toContain("checks.passed");
  });

  it("a cancelled check is recorded as interrupted, as Ctrl-C records it", async () => {
    fx = await incidentRepo('node -e "setTimeout(() => {}, 120000)"');
    const s = await connect(fx.work, ["--allow", "fix"]);
    const abort = new AbortController();
    const call = s.client.callTool({ name: "fix_check", arguments: {} }, CallToolResultSchema, {
      signal: abort.signal,
      onprogress: (p) => {
        if (String(p.message).endsWith("running")) abort.abort("the person changed their mind");
      },
    });
    await expect(call).rejects.toThrow();
    // The server records the interruption after the cancellation reaches it; wait for it (bounded).
    let recorded: string[] = [];
    for (let i = 0; i < 120 && !recorded.includes("checks.failed"); i++) {
      await new Promise((r) => setTimeout(r, 250));
      recorded = await kinds(fx);
    }
    expect(recorded).toContain("check.interrupted");
    expect(recorded).toContain("checks.failed");
    expect(recorded).not.toContain("checks.passed");
  });
});

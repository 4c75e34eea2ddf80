// Teams on `firebreak serve` as real processes: the operator adds a team with one command
// (`serve --init-admin --team NAME`), refused for a hostile name or a second time; the token and
// audit commands work on one team at a time; and two replicas on one PostgreSQL database stream
// each team its own events only, also when the write came through the other replica (NOTIFY).

import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Store } from "../../src/ports.js";
import { openServerStore } from "../../src/store/open-server-store.js";
import { CLI, firebreak } from "../helpers/cli.js";
import { freshPgDatabase } from "./fixture.js";
import { readSse, type SseMessage } from "./sse-reader.js";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

interface Running {
  url: string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

function serve(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
    cwd: "/tmp",
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve({ url: JSON.parse(line).url, exited, child });
      }
    });
    child.on("exit", () => reject(new Error(`serve exited:\n${out}`)));
  });
}

const start = (store: Store, title: string) => {
  const at = new Date().toISOString();
  return store.createIncident(
    {
      ticket: "ENG-1",
      title,
      priority: "P1",
      criteria: ["production-unavailable"],
      discoveredAt: at,
      deadlineAt: at,
      branch: "hotfix/ENG-1",
      base: "main",
      remote: "origin",
    },
    { at, actor: "dev", ...event("incident.started", { priority: "P1", criteria: ["production-unavailable"], summary: "started" }) },
  );
};

describe("teams on firebreak serve (two replicas, one PostgreSQL database)", () => {
  it("adds a team with one command, keeps its tokens and audit log apart, and streams each team its own events across replicas", async () => {
    const db = await freshPgDatabase();
    try {
      // The poll is too slow to matter: only LISTEN/NOTIFY brings one replica's write to the other's streams.
      const env = { FIREBREAK_DATABASE_URL: db.url, FIREBREAK_SSE_POLL_MS: "600000" };
      const cli = (args: string[]) => firebreak("/tmp", args, { env });

      const first = await cli(["serve", "--init-admin", "--json"]);
      expect(first.code, first.stderr).toBe(0);
      const defaultAdmin = first.json().token as string;
      const added = await cli(["serve", "--init-admin", "--team", "bravo", "--json"]);
      expect(added.code, added.stderr).toBe(0);
      const bravoAdmin = added.json().token as string;
      expect(added.json()).toMatchObject({ team: "bravo" });
      const again = await cli(["serve", "--init-admin", "--team", "bravo"]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("The team bravo already has tokens");
      expect(again.stderr).toContain("--team bravo");
      for (const bad of ["-x", "Bravo", "a/../b", "b c", "x".repeat(41), "café", "a;rm"]) {
        const r = await cli(["serve", "--init-admin", `--team=${bad}`]);
        expect(r.code, bad).toBe(2);
        expect(r.stderr, bad).toContain("lowercase letters, digits and dashes");
      }
      expect((await cli(["serve", "--team", "bravo"])).code).toBe(2);

      const rita = await cli(["token", "create", "--name", "rita", "--role", "responder", "--team", "bravo", "--json"]);
      expect(rita.code, rita.stderr).toBe(0);
      // The next step names the team, so following it works on the same team.
      expect((await cli(["token", "list", "--team", "bravo"])).stdout).toContain(
        "Next: firebreak token create --name <name> --role responder --team bravo",
      );
      const bravoList = await cli(["token", "list", "--team", "bravo", "--json"]);
      expect((bravoList.json().tokens as { name: string; team: string }[]).map((t) => [t.name, t.team])).toEqual([
        ["admin", "bravo"],
        ["rita", "bravo"],
      ]);
      const defaultList = await cli(["token", "list", "--json"]);
      expect((defaultList.json().tokens as { name: string }[]).map((t) => t.name)).toEqual(["admin"]);
      const ritaId = (bravoList.json().tokens as { id: string; name: string }[]).find((t) => t.name === "rita")!.id;
      // Revoking team bravo's token as the default team: no such token there.
      const wrongTeam = await cli(["token", "revoke", ritaId]);
      expect(wrongTeam.code).not.toBe(0);

      // A Slack link code is made for a token of the named team only.
      const linkCode = await cli(["slack", "link-code", "--name", "rita", "--team", "bravo", "--json"]);
      expect(linkCode.code, linkCode.stderr).toBe(0);
      expect(linkCode.json()).toMatchObject({ token: ritaId, name: "rita" });
      const noRita = await cli(["slack", "link-code", "--name", "rita"]);
      expect(noRita.code).toBe(2);
      expect(noRita.stderr).toContain("No active person token named rita");

      const storage = await openServerStore({ postgresUrl: db.url });
      const incDefault = await start(storage.store, "default team's outage");
      const incBravo = await start(storage.store.forTeam("bravo"), "bravo team's outage");
      await storage.close();

      const [a, b] = await Promise.all([serve(env), serve(env)]);
      // The CLI names the team a token belongs to.
      const who = await firebreak("/tmp", ["whoami"], { env: { FIREBREAK_SERVER: a.url, FIREBREAK_TOKEN: bravoAdmin } });
      expect(who.code, who.stderr).toBe(0);
      expect(who.stdout).toContain(`admin (admin, person, team bravo) on ${a.url}`);
      const open = async (secret: string, until: string) => {
        const res = await fetch(`${b.url}/events`, { headers: { authorization: `Bearer ${secret}` } });
        expect(res.status).toBe(200);
        let ready: () => void = () => undefined;
        const subscribed = new Promise<void>((r) => (ready = r));
        const msgs = readSse(
          res,
          (m) => m.some((x) => x.data.includes(until)),
          20_000,
          (c) => c === "ready" && ready(),
        );
        await subscribed;
        return { msgs };
      };
      const bravoStream = await open(bravoAdmin, "bravo note");
      const defaultStream = await open(defaultAdmin, "default note");
      const note = (secret: string, id: string, text: string) =>
        fetch(`${a.url}/incidents/${id}/notes`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ text }),
        });
      // Each team writes through replica a; the other team's token cannot even find the incident.
      expect((await note(bravoAdmin, incDefault.id, "bravo into default")).status).toBe(404);
      expect((await note(defaultAdmin, incDefault.id, "default note")).status).toBe(200);
      expect((await note(bravoAdmin, incBravo.id, "bravo note")).status).toBe(200);
      const timeline = (m: SseMessage[]) =>
        m
          .filter((x) => x.event === "timeline")
          .map((x) => JSON.parse(x.data) as { incidentId: string; kind: string; data: { text?: string } });
      const texts = (m: SseMessage[]) => timeline(m).flatMap((e) => (e.kind === "note" ? [e.data.text] : []));
      const [bravoSeen, defaultSeen] = [await bravoStream.msgs, await defaultStream.msgs];
      expect(texts(bravoSeen)).toEqual(["bravo note"]);
      expect(texts(defaultSeen)).toEqual(["default note"]);
      // Not one event (not even an incident's start) of the other team, nor its ids.
      expect(new Set(timeline(bravoSeen).map((e) => e.incidentId))).toEqual(new Set([incBravo.id]));
      expect(new Set(timeline(defaultSeen).map((e) => e.incidentId))).toEqual(new Set([incDefault.id]));
      expect(bravoSeen.map((m) => m.id ?? "").join()).not.toContain(incDefault.id);

      // Each team's audit log verifies on its own, and names nothing of the other team.
      const bravoAudit = await cli(["audit", "--team", "bravo", "--json"]);
      const bravoEntries = bravoAudit.json().entries as { seq: number; target: string }[];
      expect(bravoEntries[0]!.seq).toBe(1);
      expect(JSON.stringify(bravoEntries)).toContain(ritaId);
      const defaultAudit = JSON.stringify((await cli(["audit", "--json"])).json().entries);
      expect(defaultAudit).not.toContain(ritaId);
      expect(defaultAudit).not.toContain("rita");
      for (const team of [[], ["--team", "bravo"]]) {
        const v = await cli(["audit", "--verify", "--json", ...team]);
        expect(v.code, v.stderr).toBe(0);
        expect(v.json()).toMatchObject({ ok: true });
      }

      for (const r of [a, b]) r.child.kill("SIGTERM");
      expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    } finally {
      await db.drop();
    }
  });
});

// The offline record and its upload, on real SQLite files: the "server" here is a second record,
// which the upload calls through the same Store interface the team server's client implements.
// What a person would notice: a step is refused offline exactly when the server would refuse it,
// a step the server cannot take after all is set aside with the reason, not retried forever or
// lost, and another person's steps wait for them.

import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FirebreakError } from "../../src/errors.js";
import type { NewEvent, NewIncident } from "../../src/domain/types.js";
import type { LeaseRequest, Store } from "../../src/ports.js";
import { openStore } from "../../src/store/open-store.js";
import { OfflineRecord } from "../../src/store/offline-record.js";
import { OfflineJournal } from "../../src/store/offline-journal.js";
import { OfflineStore } from "../../src/store/offline-store.js";
import { uploadOfflineSteps } from "../../src/store/offline-upload.js";
import { RecordMirror } from "../../src/store/mirror.js";
import type { WhoAmI } from "../../src/store/remote-protocol.js";

const NOW = new Date("2026-12-06T03:10:00Z");
const clock = { now: () => NOW };
const ev = (kind: string, actor: string, data: Record<string, unknown> = {}): NewEvent =>
  ({ at: NOW.toISOString(), actor, kind, data }) as NewEvent;
const incident: NewIncident = {
  ticket: "ENG-5",
  title: "card payments fail",
  priority: "P0",
  criteria: ["payments"],
  discoveredAt: NOW.toISOString(),
  deadlineAt: NOW.toISOString(),
  branch: "hotfix/ENG-5-card-payments-fail",
  base: "main",
  remote: "origin",
};
const lease = (command: string): LeaseRequest => ({
  id: "lk_0000abcd",
  names: ["incident-ENG-5"],
  holder: { actor: "alice", command, ticket: "ENG-5", host: "laptop", pid: 1 },
  now: NOW.toISOString(),
  expiresAt: new Date(NOW.getTime() + 60_000).toISOString(),
  canTakeOver: () => false,
});

describe("the offline record and its upload", () => {
  let dir: string;
  let server: Store;
  let record: OfflineRecord;
  let journal: OfflineJournal;
  let mirror: RecordMirror;
  let incidentId: string;
  const warnings: string[] = [];

  const offline = (who: WhoAmI | null, reason: string | undefined) =>
    new OfflineStore({
      record,
      journal,
      reason,
      server: "https://firebreak.example",
      who,
      command: "firebreak ship",
      refusal: (what) => new FirebreakError({ code: "SERVER_UNREACHABLE", message: `${what} needs the team server.` }),
      now: () => NOW,
    });
  const upload = (me: string) =>
    uploadOfflineSteps({
      remote: server,
      journal,
      record: async () => record,
      mirror,
      me,
      server: "https://firebreak.example",
      warn: (l) => warnings.push(l),
      now: () => NOW,
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-offline-"));
    server = await openStore({ sqlitePath: join(dir, "server.db"), clock });
    record = await OfflineRecord.open(join(dir, "offline.db"), clock);
    journal = new OfflineJournal(join(dir, "journal"));
    mirror = new RecordMirror(join(dir, "mirror"));
    warnings.length = 0;
    const created = await server.createIncident(incident, ev("incident.started", "alice", { priority: "P0" }));
    incidentId = created.id;
    await server.appendEvent(incidentId, ev("commit.created", "alice", { sha: "a".repeat(40) }));
    // This clone's copy, as the last command that reached the server left it.
    const [timeline, effects] = await Promise.all([server.timeline(incidentId), server.listEffects(incidentId)]);
    mirror.saveTimeline(created, timeline, effects, NOW);
    await record.seed({ incident: created, timeline, effects });
  });
  afterEach(async () => {
    await record.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the copies, the kept steps and the offline record readable by this user alone", async () => {
    const s = offline({ name: "alice", role: "responder", kind: "person" }, undefined);
    await s.appendEvent(incidentId, ev("note", "alice", { text: "flag off by hand" }));
    const kept = join(dir, "journal", readdirSync(join(dir, "journal")).find((n) => n.endsWith(".json"))!);
    const mirrored = join(dir, "mirror", `${incidentId}.json`);
    for (const f of [kept, mirrored, join(dir, "offline.db")]) expect(statSync(f).mode & 0o077, f).toBe(0);
    for (const d of [join(dir, "journal"), join(dir, "mirror")]) expect(statSync(d).mode & 0o077, d).toBe(0);
  });

  it("keeps the copy's chain intact, so the offline record checks like the server's", async () => {
    expect(await record.store.verifyTimeline(incidentId)).toMatchObject({ ok: true, checked: 2 });
  });

  it("without a reason keeps notes only; locks and journal steps are refused", async () => {
    const s = offline({ name: "alice", role: "responder", kind: "person" }, undefined);
    await s.appendEvent(incidentId, ev("note", "alice", { text: "flag off by hand" }));
    await expect(s.appendEvent(incidentId, ev("confirm.reproduced", "alice"))).rejects.toMatchObject({ code: "SERVER_UNREACHABLE" });
    await expect(s.acquireLeases(lease("ship --to production"))).rejects.toMatchObject({ code: "SERVER_UNREACHABLE" });
    expect(journal.list().map((e) => e.call.method)).toEqual(["appendEvent"]);
  });

  it("applies the saved role and kind as the server would: no rollback for a responder, no approval by an agent or by the fix's author", async () => {
    const responder = offline({ name: "alice", role: "responder", kind: "person" }, "server down");
    await expect(responder.acquireLeases(lease("rollback --to production"))).rejects.toThrow(/rolling back needs the commander role/);
    expect(await responder.acquireLeases(lease("ship --to production"))).toMatchObject({ ok: true });

    const agent = offline({ name: "fixbot", role: "approver", kind: "agent" }, "server down");
    await expect(agent.appendEvent(incidentId, ev("review.approved", "fixbot", { by: "fixbot" }))).rejects.toThrow(/a person's decision/);
    const author = offline({ name: "alice", role: "approver", kind: "person" }, "server down");
    await expect(author.appendEvent(incidentId, ev("review.approved", "alice", { by: "alice" }))).rejects.toThrow(
      /alice made a commit of ENG-5's fix/,
    );
    // Nothing refused was kept for upload.
    expect(journal.list().filter((e) => e.call.method === "appendEvent" && e.call.args[1].kind === "review.approved")).toEqual([]);
  });

  it("records the reason once per command before the first step, and uploads the steps in order under their upload ids", async () => {
    const s = offline({ name: "alice", role: "responder", kind: "person" }, "server down with the rest of prod");
    await s.recordIntent(
      incidentId,
      "deploy:production",
      { version: "v1.4.3" },
      ev("effect.intent", "alice", { key: "deploy:production" }),
    );
    await s.recordOutcome(
      incidentId,
      "deploy:production",
      { state: "done", result: { version: "v1.4.3" } },
      ev("deploy.production.done", "alice", { key: "deploy:production", version: "v1.4.3" }),
    );
    const local = await record.store.timeline(incidentId);
    expect(local.map((e) => e.kind).slice(2)).toEqual(["offline.started", "effect.intent", "deploy.production.done"]);

    expect(await upload("alice")).toBe(3);
    const there = await server.timeline(incidentId);
    expect(there.map((e) => e.kind).slice(2)).toEqual(["offline.started", "effect.intent", "deploy.production.done"]);
    expect(there[2]!.data).toMatchObject({ reason: "server down with the rest of prod", command: "firebreak ship" });
    expect(await server.getEffect(incidentId, "deploy:production")).toMatchObject({ state: "done", result: { version: "v1.4.3" } });
    expect(journal.list()).toEqual([]);
    // Uploaded in full: the incident is read from the server again, not from this record.
    expect(await record.has(incidentId)).toBe(false);
    // A second upload finds nothing to do.
    expect(await upload("alice")).toBe(0);
    expect((await server.timeline(incidentId)).length).toBe(there.length);
  });

  it("sets aside a step the server cannot take after all, and the steps behind it, saying what to do", async () => {
    const s = offline({ name: "alice", role: "responder", kind: "person" }, "server down");
    await s.recordIntent(incidentId, "git.tag:v1.4.3", { tag: "v1.4.3" }, ev("effect.intent", "alice", { key: "git.tag:v1.4.3" }));
    await s.appendEvent(incidentId, ev("confirm.happy-path", "alice"));
    // Meanwhile, someone with the server tagged the same release.
    await server.recordIntent(incidentId, "git.tag:v1.4.3", { tag: "v1.4.3" }, ev("effect.intent", "bob", { key: "git.tag:v1.4.3" }));

    expect(await upload("alice")).toBe(1); // the reason went up; the tag could not
    const said = warnings.join("\n");
    expect(said).toContain("The server refused a step on ENG-5 taken while it did not answer");
    expect(said).toContain("That step and the 1 after it are set aside");
    expect(said).toContain("Next: firebreak log ENG-5");
    expect(said).toContain("bob: starting git.tag:v1.4.3");
    expect(journal.list()).toEqual([]);
    expect(readdirSync(join(dir, "journal", "refused"))).toHaveLength(2);
    expect((await server.timeline(incidentId)).filter((e) => e.kind === "confirm.happy-path")).toEqual([]);
  });

  it("leaves another person's steps until they log in again", async () => {
    const s = offline({ name: "alice", role: "responder", kind: "person" }, "server down");
    await s.appendEvent(incidentId, ev("confirm.reproduced", "alice"));
    expect(await upload("bob")).toBe(0);
    expect(warnings.join("\n")).toContain("taken by alice, and this clone now writes as bob");
    expect(journal.list()).toHaveLength(2);
    expect(await upload("alice")).toBe(2);
  });
});

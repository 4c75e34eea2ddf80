// Records written before the event catalogue and the state reducer existed still read the same.
// test/fixtures/record-v1 holds two SQLite databases written by that release (its `firebreak demo
// --keep`, the fix and the regression scenario) and what its readers made of them (expected.json,
// captured with read-record.ts on that release's source). No stored kind or data shape changed, so
// no store migration is needed: every stored event passes the catalogue as it is.

import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { validateEvent } from "../../src/domain/events/index.js";
import { incidentState } from "../../src/domain/state/state.js";
import { evaluateChecklist } from "../../src/domain/checklist.js";
import { statusNotices } from "../../src/domain/notices.js";
import { FIXTURES, NOW, readRecord } from "../fixtures/record-v1/read-record.js";
import expected from "../fixtures/record-v1/expected.json" with { type: "json" };

const HERE = fileURLToPath(new URL("../fixtures/record-v1/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The fixture opened as a user's record would be (a copy, so the committed file never changes). */
async function open(name: string) {
  const dir = mkdtempSync(join(tmpdir(), "fb-v1-"));
  dirs.push(dir);
  copyFileSync(join(HERE, `${name}.db`), join(dir, "firebreak.db"));
  const store = await openStore({ sqlitePath: join(dir, "firebreak.db"), clock: { now: () => NOW } });
  const [incident] = await store.listIncidents({ all: true });
  return { store, incident: incident!, events: await store.timeline(incident!.id) };
}

describe.each(FIXTURES)("a record written before the typed record: %s", (name) => {
  it("holds only events the catalogue accepts, on an intact chain", async () => {
    const { store, incident, events } = await open(name);
    try {
      expect(events.length).toBeGreaterThan(40);
      expect(events.map((e) => validateEvent(e.kind, e.data)).filter((p) => p !== null)).toEqual([]);
      expect((await store.verifyTimeline(incident.id)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("reads the same in status, the checklist, the PR body, the review, the log and every announcement", async () => {
    const now = await readRecord(ROOT, join(HERE, `${name}.db`));
    expect(now).toEqual((expected as Record<string, unknown>)[name]);
  });
});

describe("the state of the recorded incidents", () => {
  it("the verified fix: everything done but the review, which is owed", async () => {
    const { store, incident, events } = await open("demo-fix");
    try {
      const s = incidentState(events);
      expect(s.prOpened?.number).toBeGreaterThan(0);
      expect(s.deploys.map((d) => d.env)).toEqual(["production"]);
      expect(s.verdicts.map((v) => `${v.slot}.${v.verdict}`)).toEqual(["production.verified"]);
      expect(s.waivers.map((w) => w.item)).toEqual(["approval"]);
      expect(s.approvals).toHaveLength(1); // approved after the deploy, as the waiver asked
      expect(s.announcements.resolved).not.toBeNull();
      expect(s.backports.done[0]?.targets.length).toBeGreaterThan(0);
      const open_ = evaluateChecklist(incident.priority, s).filter((i) => i.state !== "done" && i.state !== "not-needed");
      expect(open_.map((i) => `${i.item.id}:${i.state}`)).toEqual(["review:next"]);
      expect(statusNotices(incident, events, NOW, s).map((n) => n.id)).toEqual(["post-incident-review"]);
    } finally {
      await store.close();
    }
  });

  it("the regression: rolled back, so the rollback is what status says first", async () => {
    const { store, incident, events } = await open("demo-regression");
    try {
      const s = incidentState(events);
      expect(s.verdicts.map((v) => v.verdict)).toEqual(["regression"]);
      expect(s.rollbacks).toHaveLength(1);
      expect(evaluateChecklist(incident.priority, s).find((i) => i.state === "next")?.item.id).toBe("verified");
      expect(statusNotices(incident, events, NOW, s).map((n) => n.id)).toEqual(["review-after-deploy", "rolled-back"]);
    } finally {
      await store.close();
    }
  });
});

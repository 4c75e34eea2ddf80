// One reader of incident.data.deploys (src/domain/deploys.ts): verify's deploy time, the review's
// resolution and "is a rollback what runs now" read the same facts from every shape a record holds.

import { describe, expect, it } from "vitest";
import type { Incident, TimelineEvent } from "../../src/domain/types.js";
import { latestDeploy, readDeploys, rollbackIsLive } from "../../src/domain/deploys.js";
import { readDeploys as reviewReadDeploys } from "../../src/review/record.js";
import { deployTimeOf } from "../../src/workflow/verify.js";

const incident = (data: Record<string, unknown>, status: Incident["status"] = "shipped"): Incident => ({
  id: "inc_1",
  ticket: "ENG-1234",
  title: "Expired tokens accepted",
  priority: "P0",
  criteria: [],
  status,
  discoveredAt: "2026-11-27T10:00:00.000Z",
  deadlineAt: "2026-11-27T14:00:00.000Z",
  branch: "hotfix/ENG-1234-expired-tokens",
  base: "main",
  remote: "origin",
  createdAt: "2026-11-27T10:00:00.000Z",
  updatedAt: "2026-11-27T10:00:00.000Z",
  data,
});

const event = (kind: string, at: string, data: Record<string, unknown> = {}): TimelineEvent => ({
  incidentId: "inc_1",
  seq: 1,
  at,
  recordedAt: at,
  actor: "tester",
  kind,
  data,
  prevHash: "",
  hash: "",
});

describe("the one reader of data.deploys", () => {
  const shapes: Array<[string, Record<string, unknown>]> = [
    [
      "keyed by environment (what ship writes)",
      {
        deploys: {
          production: [{ env: "production", version: "v1.4.3", at: "2026-11-27T11:00:00Z", purpose: "release" }],
          staging: [{ version: "s1", at: "2026-11-27T10:30:00Z" }],
        },
      },
    ],
    [
      "a plain list with environment and finishedAt",
      {
        deploys: [
          { environment: "production", tag: "v1.4.3", finishedAt: "2026-11-27T11:00:00Z" },
          { env: "staging", sha: "abc", doneAt: "2026-11-27T10:30:00Z" },
        ],
      },
    ],
    [
      "one deploy per environment with deployedAt",
      {
        deploys: {
          production: { version: "v1.4.3", deployedAt: "2026-11-27T11:00:00Z" },
          staging: { version: "s1", deployedAt: "2026-11-27T10:30:00Z" },
        },
      },
    ],
  ];
  for (const [name, data] of shapes)
    it(`${name}: verify's deploy time and the review's deploys agree`, () => {
      const inc = incident(data);
      expect(reviewReadDeploys).toBe(readDeploys);
      const prod = readDeploys(inc, []).filter((d) => d.env === "production");
      expect(prod.map((d) => [d.what, d.at])).toEqual([["v1.4.3", "2026-11-27T11:00:00.000Z"]]);
      expect(deployTimeOf(inc, [], "production")?.toISOString()).toBe("2026-11-27T11:00:00.000Z");
      expect(deployTimeOf(inc, [], "staging")?.toISOString()).toBe("2026-11-27T10:30:00.000Z");
    });

  it("without data.deploys, the deploy.<env>.done events", () => {
    const events = [event("deploy.production.done", "2026-11-27T11:05:00.000Z", { version: "v1.4.3" })];
    expect(readDeploys(incident({}), events)).toEqual([
      { env: "production", at: "2026-11-27T11:05:00.000Z", what: "v1.4.3", state: "done" },
    ]);
    expect(deployTimeOf(incident({}), events, "production")?.toISOString()).toBe("2026-11-27T11:05:00.000Z");
  });

  it("an unknown shape gives nothing, never a crash", () => {
    expect(readDeploys(incident({ deploys: 42 }), [])).toEqual([]);
    expect(readDeploys(incident({ deploys: [null, 7, { version: "no env" }] }), [])).toEqual([]);
    expect(deployTimeOf(incident({ deploys: { production: [{ version: "v1", at: "not a time" }] } }), [], "production")).toBeNull();
  });
});

describe("a rollback is what production runs", () => {
  const release = { env: "production", version: "v1.4.3", at: "2026-11-27T11:00:00Z", purpose: "release" };
  const back = { env: "production", version: "v1.4.2", at: "2026-11-27T11:20:00Z", purpose: "rollback" };

  it("when the latest production deploy is a rollback's, whatever the status says", () => {
    const inc = incident({ deploys: { production: [release, back] } }, "shipped");
    expect(latestDeploy(inc, [], "production")).toMatchObject({ what: "v1.4.2", purpose: "rollback" });
    expect(rollbackIsLive(inc, [])).toBe(true);
  });

  it("when the incident is rolled back (a feature flag leaves no deploy), and verify counts from the rollback", () => {
    const inc = incident({ deploys: { production: [release] } }, "rolled-back");
    expect(rollbackIsLive(inc, [])).toBe(true);
    expect(deployTimeOf(inc, [event("rollback.done", "2026-11-27T11:30:00.000Z")], "production")?.toISOString()).toBe(
      "2026-11-27T11:30:00.000Z",
    );
  });

  it("not once a new release is deployed after it", () => {
    const next = { env: "production", version: "v1.4.4", at: "2026-11-27T12:00:00Z", purpose: "release" };
    expect(rollbackIsLive(incident({ deploys: { production: [release, back, next] } }, "shipped"), [])).toBe(false);
  });
});

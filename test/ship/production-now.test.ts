// What production runs across incidents, and whether rolling one back would go back over a newer
// one. Pure: incidents as the record holds them, no repository.

import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/types.js";
import { productionDeploys, rollbackRedeploysOld, runningInProduction, supersededBy } from "../../src/ship/production-now.js";

type Deploy = { version: string; at: string; purpose?: string };

const incident = (id: string, ticket: string, production: Deploy[], staging: Deploy[] = []): Incident => ({
  id,
  ticket,
  title: "t",
  priority: "P1",
  criteria: [],
  status: "shipped",
  discoveredAt: "2026-12-05T00:00:00Z",
  deadlineAt: "2026-12-05T04:00:00Z",
  branch: `hotfix/${ticket}-t`,
  base: "main",
  remote: "origin",
  createdAt: "2026-12-05T00:00:00Z",
  updatedAt: "2026-12-05T00:00:00Z",
  data: { deploys: { production, staging } },
});

const A = incident(
  "a",
  "ENG-1",
  [{ version: "v1.4.3", at: "2026-12-05T10:00:00.000Z", purpose: "release" }],
  [{ version: "v1.4.3-rc.1", at: "2026-12-05T12:00:00.000Z" }],
);
const B = incident("b", "ENG-2", [{ version: "v1.4.4", at: "2026-12-05T11:00:00.000Z", purpose: "release" }]);

describe("what production runs", () => {
  it("is the latest production deploy of any incident, by time, whatever order the incidents come in", () => {
    expect(runningInProduction([B, A])).toMatchObject({ ticket: "ENG-2", version: "v1.4.4", purpose: "release" });
    expect(productionDeploys([B, A]).map((d) => d.version)).toEqual(["v1.4.3", "v1.4.4"]); // staging is not production
    expect(runningInProduction([])).toBeNull();
  });

  it("older deploys without a purpose count as releases; entries without a version or time are skipped", () => {
    const old = incident("c", "ENG-3", [{ version: "v1.0.0", at: "2026-12-05T09:00:00Z" }, { version: "", at: "x" } as Deploy]);
    expect(productionDeploys([old])).toEqual([
      { incidentId: "c", ticket: "ENG-3", version: "v1.0.0", at: "2026-12-05T09:00:00Z", purpose: "release" },
    ]);
  });
});

describe("supersededBy", () => {
  it("names the newer incident's release when another incident shipped after this one", () => {
    expect(supersededBy(A, "v1.4.3", [A, B])).toMatchObject({ incidentId: "b", ticket: "ENG-2", version: "v1.4.4", purpose: "release" });
  });

  it("null while production still runs this release: nothing newer, or only older incidents", () => {
    expect(supersededBy(B, "v1.4.4", [A, B])).toBeNull();
    expect(supersededBy(A, "v1.4.3", [A])).toBeNull();
  });

  it("null when the newer incident was rolled back to exactly this release", () => {
    const back = incident("b", "ENG-2", [
      { version: "v1.4.4", at: "2026-12-05T11:00:00Z", purpose: "release" },
      { version: "v1.4.3", at: "2026-12-05T11:30:00Z", purpose: "rollback" },
    ]);
    expect(supersededBy(A, "v1.4.3", [A, back])).toBeNull();
  });

  it("a newer incident's rollback to another version (a revert's tag) still stands in the way", () => {
    const reverted = incident("b", "ENG-2", [
      { version: "v1.4.4", at: "2026-12-05T11:00:00Z", purpose: "release" },
      { version: "v1.4.5", at: "2026-12-05T11:30:00Z", purpose: "rollback" },
    ]);
    expect(supersededBy(A, "v1.4.3", [A, reverted])).toMatchObject({ ticket: "ENG-2", version: "v1.4.5", purpose: "rollback" });
  });

  it("the incident as the caller has it wins over a stale copy in the list", () => {
    const shippedAgain = incident("a", "ENG-1", [
      { version: "v1.4.3", at: "2026-12-05T10:00:00Z", purpose: "release" },
      { version: "v1.4.5", at: "2026-12-05T12:00:00Z", purpose: "release" },
    ]);
    expect(supersededBy(shippedAgain, "v1.4.5", [A, B])).toBeNull();
  });
});

describe("rollbackRedeploysOld", () => {
  it("previous and a flag set through the deployer deploy something older; a revert or a flag command do not", () => {
    expect(rollbackRedeploysOld("previous", false)).toBe(true);
    expect(rollbackRedeploysOld("flag", false)).toBe(true);
    expect(rollbackRedeploysOld("flag", true)).toBe(false);
    expect(rollbackRedeploysOld("revert", false)).toBe(false);
  });
});

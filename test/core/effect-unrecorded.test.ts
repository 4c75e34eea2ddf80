// An effect done while the team server stops answering: the person is told it was done and that
// running the command again records it without doing it again; and the re-run does exactly that.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { effect } from "../../src/workflow/effect.js";
import { FirebreakError } from "../../src/errors.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";

const NOW = new Date("2026-12-06T03:00:00Z");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("an effect whose outcome the team server did not take", () => {
  it("says it was done and how to record it; the re-run records it from the world and does not do it again", async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-effect-"));
    const store = await openStore({ sqlitePath: join(dir, "record.db"), clock: { now: () => NOW } });
    const inc = await store.createIncident(
      {
        ticket: "ENG-9",
        title: "t",
        priority: "P1",
        criteria: [],
        discoveredAt: NOW.toISOString(),
        deadlineAt: NOW.toISOString(),
        branch: "hotfix/ENG-9-t",
        base: "main",
        remote: "origin",
      },
      { at: NOW.toISOString(), actor: "alice", kind: "incident.started", data: {} },
    );
    // The server answers the intent, then goes away before the outcome.
    const flaky = new Proxy(store, {
      get(target, name) {
        if (name === "recordOutcome")
          return () =>
            Promise.reject(new FirebreakError({ code: "SERVER_UNREACHABLE", message: "The team server at http://x did not answer." }));
        const v = Reflect.get(target, name, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    }) as Store;
    let deploys = 0;
    const spec = {
      kind: "tag.created" as const,
      reconcile: async () => (deploys > 0 ? { tag: "v1.0.1" } : null),
      perform: async () => {
        deploys++;
        return { tag: "v1.0.1" };
      },
    };
    const deps = (s: Store) => ({ store: s, clock: { now: () => NOW }, actor: "alice" });
    const failed = await effect(deps(flaky), inc.id, "release.tag:v1.0.1", spec).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FirebreakError);
    expect((failed as FirebreakError).message).toBe(
      "release.tag:v1.0.1 was done, but the record could not say so: The team server at http://x did not answer.",
    );
    expect((failed as FirebreakError).next).toContain("run the same command again");
    const again = await effect(deps(store), inc.id, "release.tag:v1.0.1", spec);
    expect(again.how).toBe("reconciled");
    expect(deploys).toBe(1);
    await store.close();
  });
});

// An incident with a hotfix branch and a record worth a PR body, in a real repo and SQLite store.

import { join } from "node:path";
import { event as body, type EventData, type EventKind } from "../../src/domain/events/index.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";
import type { Incident } from "../../src/domain/types.js";
import { Git } from "../../src/adapters/git/git.js";
import { defaultConfig, type Config } from "../../src/config/schema.js";

export interface PrFixture {
  fx: GitFixture;
  git: Git;
  store: Store;
  incident: Incident;
  config: Config;
  clock: { now: () => Date };
  cleanup(): Promise<void>;
}

const AT = "2026-11-27T10:00:00.000Z";

export async function makePrFixture(opts: { title?: string; rootCause?: string; db?: string } = {}): Promise<PrFixture> {
  const fx = makeRepo();
  const branch = "hotfix/ENG-1234-fix-auth-bypass";
  fx.git("switch", "-q", "-c", branch);
  const sha = fx.commit("fix: expired tokens", {
    "src/auth.js": "export function check(t) { return t.exp > Date.now(); }\n",
    "test/auth.test.js": "// expired token is refused\n",
  });
  fx.git("switch", "-q", "main");
  const store = await openStore({ sqlitePath: join(fx.root, opts.db ?? "fb.sqlite") });
  const clock = { now: () => new Date(AT) };
  const ev = <K extends EventKind>(kind: K, data: EventData<K>) => ({ at: AT, actor: "Test Author", ...body(kind, data) });
  let incident = await store.createIncident(
    {
      ticket: "ENG-1234",
      title: opts.title ?? "Fix auth bypass on expired tokens",
      priority: "P1",
      criteria: [],
      discoveredAt: AT,
      deadlineAt: "2026-11-27T14:00:00.000Z",
      branch,
      base: "main",
      remote: "origin",
    },
    ev("incident.started", {}),
  );
  incident = await store.updateIncident(incident.id, {
    data: {
      rootCause: opts.rootCause ?? "The expiry check compared seconds with milliseconds.",
      impact: "All users: expired sessions stayed valid.",
      whatWasBroken: "Expired tokens were accepted.",
    },
  });
  await store.appendEvent(
    incident.id,
    ev("guard.passed", { findings: [], allowed: [{ rule: "size", reason: "the fix needs the whole check rewritten" }], stats: {} }),
  );
  await store.appendEvent(
    incident.id,
    ev("check.passed", { name: "test", command: "npm test", durationMs: 4200, logPath: "/tmp/test.log" }),
  );
  await store.appendEvent(
    incident.id,
    ev("check.skipped", { name: "build", command: "", durationMs: 0, logPath: "", reason: "no build command configured" }),
  );
  await store.appendEvent(incident.id, ev("confirm.reproduced", { summary: "the issue was reproduced", note: "an expired token got 200" }));
  await store.appendEvent(
    incident.id,
    ev("commit.created", {
      sha,
      files: [
        { path: "src/auth.js", added: 1, deleted: 1 },
        { path: "test/auth.test.js", added: 1, deleted: 0 },
      ],
      testFiles: ["test/auth.test.js"],
      testCases: ["expired token is refused"],
    }),
  );
  return {
    fx,
    git: new Git(fx.work),
    store,
    incident: (await store.getIncident(incident.id)) as Incident,
    config: defaultConfig(),
    clock,
    async cleanup() {
      await store.close();
      fx.cleanup();
    },
  };
}

// The demo end to end, as `npm run demo` runs it but without a terminal, in both scenarios.
// It checks what a newcomer would look at: the tag on origin, the service's answer, the review,
// the journal, the backport branches, and (regression) the previous version running again.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { describeEvent } from "../../src/cli/describe-event.js";

const ENTRY = join(process.cwd(), "dist/firebreak.js");

interface Summary {
  outcome: string;
  sandbox: string;
  commands: number;
  runningVersion: string | null;
  expiredTokenStatus: number | null;
  files: { label: string; path: string }[];
}

function demo(scenario: string): { summary: Summary; stdout: string } {
  const stdout = execFileSync(process.execPath, [ENTRY, "demo", "--scenario", scenario, "--keep", "--json"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 170_000,
  });
  return { summary: JSON.parse(stdout) as Summary, stdout };
}

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

interface Ev {
  at: string;
  kind: string;
  data: Record<string, unknown>;
}

function timeline(sandbox: string): Ev[] {
  const out = execFileSync(process.execPath, [ENTRY, "log", "--json"], { cwd: join(sandbox, "api"), encoding: "utf8" });
  return (JSON.parse(out) as { events: Ev[] }).events;
}

/** Effects started more than once: with no crash in the run, every effect starts exactly once. */
function repeatedEffects(events: Ev[]): string[] {
  const keys = events.filter((e) => e.kind === "effect.intent").map((e) => String(e.data.key));
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

describe("firebreak demo", () => {
  it("takes a P0 from triage to a verified fix, told, backported and reviewed", { timeout: 180_000 }, () => {
    const { summary } = demo("fix");
    try {
      expect(summary.outcome).toBe("verified");
      const origin = join(summary.sandbox, "origin.git");
      expect(git(origin, "tag", "--list", "v1.4.3")).toBe("v1.4.3");
      expect(summary.runningVersion).toBe("v1.4.3");
      expect(summary.expiredTokenStatus).toBe(401);
      for (const b of ["backport/rc/hotfix-ENG-1234", "backport/develop/hotfix-ENG-1234"]) {
        expect(git(origin, "branch", "--list", b)).toContain(b);
      }
      // Every timeline event up to the review appears in it, in the words `firebreak log` uses.
      const review = readFileSync(join(summary.sandbox, "api/docs/incidents/ENG-1234.md"), "utf8").replace(/[\\\u200d]/g, ""); // Markdown escapes and the joiner that keeps @ from mentioning
      const events = timeline(summary.sandbox);
      // (The effect journal's own rows stay in `firebreak log`; the review shows what happened.)
      const upToReview = events
        .slice(
          0,
          events.findIndex((e) => e.kind === "review.written"),
        )
        .filter((e) => e.kind !== "effect.intent" && e.kind !== "effect.retry");
      expect(upToReview.length).toBeGreaterThan(30);
      expect(review).not.toContain("starting ");
      for (const e of upToReview) expect(review, `review misses ${e.kind} at ${e.at}`).toContain(describeEvent(e as never));
      const kinds = events.map((e) => e.kind);
      for (const kind of ["release.tagged", "deploy.production.done", "verify.production.verified", "announce.resolved", "backport.done"])
        expect(kinds).toContain(kind);
      expect(existsSync(join(summary.sandbox, "api/docs/incidents/ENG-1234.html"))).toBe(true);
      // The journal has each effect once, and each once-only event happened once.
      expect(repeatedEffects(events)).toEqual([]);
      const count = (kind: string) => events.filter((e) => e.kind === kind).length;
      expect(count("release.tagged")).toBe(1);
      expect(count("deploy.production.done")).toBe(1);
      // What the README says the demo ends with: every checklist item done but the review meeting.
      const status = JSON.parse(
        execFileSync(process.execPath, [ENTRY, "status", "--json"], { cwd: join(summary.sandbox, "api"), encoding: "utf8" }),
      );
      const open = status.checklist
        .filter((i: { state: string }) => !["done", "waived", "not-needed"].includes(i.state))
        .map((i: { id: string }) => i.id);
      expect(open).toEqual(["review"]);
    } finally {
      rmSync(summary.sandbox, { recursive: true, force: true });
    }
  });

  it("catches a bad fix in production and rolls back to the previous version by itself", { timeout: 180_000 }, () => {
    const { summary } = demo("regression");
    try {
      expect(summary.outcome).toBe("rolled-back");
      expect(summary.runningVersion).toBe("v1.4.2");
      const events = timeline(summary.sandbox);
      const kinds = events.map((e) => e.kind);
      expect(kinds).toContain("verify.production.regression");
      expect(kinds).toContain("rollback.done");
      expect(repeatedEffects(events)).toEqual([]);
    } finally {
      rmSync(summary.sandbox, { recursive: true, force: true });
    }
  });
});

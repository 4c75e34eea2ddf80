import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/run-checks.js";
import type { CheckEvent } from "../../src/checks/run-checks.js";
import { renderCheckProgress, renderCheckSummary } from "../../src/checks/progress.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-checks-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ scripts: { test: "echo all good", typecheck: "echo 'type error in a.ts' >&2; exit 2", hang: "sleep 30" } }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opts = () => ({ cwd: dir, logDir: join(dir, "logs"), timeoutMs: 1000 });
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("runChecks", () => {
  it("passes, fails, times out, fails a configured command that is not found, and reports a check with no command", async () => {
    const results = await runChecks(
      [
        { name: "test", command: "npm run test" },
        { name: "typecheck", command: "npm run typecheck" },
        { name: "build", command: "npm run build" },
        { name: "hang", command: "echo $$ > hang.pid; sleep 30" },
        { name: "lint", command: null },
      ],
      opts(),
    );
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["test", "passed"],
      ["typecheck", "failed"],
      ["build", "failed"],
      ["hang", "timed-out"],
      ["lint", "missing"],
    ]);
    expect(results[1]!.exitCode).toBe(2);
    expect(readFileSync(results[0]!.logPath!, "utf8")).toContain("all good");
    expect(readFileSync(join(dir, "logs", "typecheck.log"), "utf8")).toContain("type error in a.ts");
    expect(results[2]!.reason).toMatch(/Missing script/);
    expect(results[2]!.notFound).toBe(true);
    expect(results[4]!.logPath).toBeNull();
    // The whole process group was stopped: the shell's sleep does not outlive the time limit.
    const pid = Number(readFileSync(join(dir, "hang.pid"), "utf8"));
    expect(isAlive(pid)).toBe(false);
  });

  it("a program the shell cannot find (exit 127) is a failure, not a missing check", async () => {
    const results = await runChecks([{ name: "build", command: "gulp-not-installed-here clear && rollup -c" }], opts());
    expect(results[0]).toMatchObject({ name: "build", status: "failed", exitCode: 127, notFound: true });
    expect(results[0]!.reason).toMatch(/command not found \(exit code 127\): .*gulp-not-installed-here.*not found/);
  });

  it("honours --only and --skip with a reason, and refuses unknown names", async () => {
    const checks = [
      { name: "test", command: "echo ran > test.ran" },
      { name: "build", command: "echo ran > build.ran" },
      { name: "typecheck", command: "echo ran > typecheck.ran" },
    ];
    const results = await runChecks(checks, {
      ...opts(),
      only: ["test", "build"],
      skip: [{ name: "build", reason: "no bundler on the hotfix box" }],
    });
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ["test", "passed", undefined],
      ["build", "skipped", "no bundler on the hotfix box"],
      ["typecheck", "skipped", "not in --only test,build"],
    ]);
    expect(existsSync(join(dir, "build.ran"))).toBe(false);
    await expect(runChecks(checks, { ...opts(), only: ["lint"] })).rejects.toMatchObject({ code: "USAGE" });
  });

  it("stops the running check on abort and marks it and the rest interrupted", async () => {
    const ac = new AbortController();
    const events: CheckEvent[] = [];
    const results = await runChecks(
      [
        { name: "test", command: "echo $$ > test.pid; sleep 30" },
        { name: "build", command: "echo ran > build.ran" },
      ],
      {
        ...opts(),
        timeoutMs: 60_000,
        signal: ac.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === "start") setTimeout(() => ac.abort(), 300);
        },
      },
    );
    expect(results.map((r) => r.status)).toEqual(["interrupted", "interrupted"]);
    expect(existsSync(join(dir, "build.ran"))).toBe(false);
    expect(isAlive(Number(readFileSync(join(dir, "test.pid"), "utf8")))).toBe(false);
    expect(events.filter((e) => e.type === "start").map((e) => e.type === "start" && e.command)).toEqual(["echo $$ > test.pid; sleep 30"]);
  });

  it("prints plain progress lines and a summary when not on a terminal", async () => {
    const lines: string[] = [];
    const results = await runChecks(
      [
        { name: "test", command: "npm run test" },
        { name: "typecheck", command: "npm run typecheck" },
        { name: "build", command: null },
      ],
      {
        ...opts(),
        skip: [],
        onEvent: (e) => {
          const line = renderCheckProgress(e);
          if (line !== null) lines.push(line);
        },
      },
    );
    const text = [...lines, ...renderCheckSummary(results)]
      .join("\n")
      .replaceAll(dir, "<dir>")
      .replace(/\d+(\.\d+)?m?s\b */g, "<t> "); // durations vary, and so does their padding
    expect(text).toBe(
      [
        "[test] $ npm run test",
        "[test] passed in <t> (log: <dir>/logs/test.log)",
        "[typecheck] $ npm run typecheck",
        "[typecheck] failed: exit code 2 after <t> (log: <dir>/logs/typecheck.log)",
        "[build] missing: no command configured and no package.json script found",
        "CHECK      STATUS       TIME      LOG",
        "test       passed       <t> <dir>/logs/test.log",
        "typecheck  failed       <t> <dir>/logs/typecheck.log",
        "build      missing      -         no command configured and no package.json script found",
      ].join("\n"),
    );
  });
});

describe("runChecksLive", () => {
  it("returns the same results as the plain runner", async () => {
    const { runChecksLive } = await import("../../src/checks/live-view.js");
    const results = await runChecksLive(
      [
        { name: "test", command: "npm run test" },
        { name: "typecheck", command: "npm run typecheck" },
        { name: "build", command: null },
      ],
      { ...opts(), renderer: "silent" },
    );
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["test", "passed"],
      ["typecheck", "failed"],
      ["build", "missing"],
    ]);
  });
});

// A repository this user cannot write (a mounted snapshot, a colleague's checkout): the reading
// commands still answer from the record, and a writing one is refused in words, changing nothing.
// The CLI runs as an unprivileged user (root ignores file modes), with every file read-only.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { CLI, firebreak } from "../helpers/cli.js";

let fx: GitFixture;
beforeEach(() => {
  fx = makeRepo();
});
afterEach(() => {
  chmodTree(fx.root, 0o755, 0o644);
  fx.cleanup();
});

function chmodTree(path: string, dirMode: number, fileMode: number): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    chmodSync(path, dirMode);
    for (const n of readdirSync(path)) chmodTree(join(path, n), dirMode, fileMode);
  } else if (st.isFile()) chmodSync(path, fileMode);
}

/**
 * The unprivileged user must be able to reach the built CLI: a checkout kept under a private temp
 * folder (mode 0700) is closed to it, so each folder above the CLI gets the search bit for others.
 */
function letReaderReach(file: string): void {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

/** The CLI as a user who may read the repository but not write it. */
function asReader(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = process.getuid?.() === 0;
  if (root) letReaderReach(CLI);
  const cmd = root ? "setpriv" : process.execPath;
  const argv = root ? ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, ...args] : [CLI, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: fx.work,
      // git refuses a repository owned by someone else unless told it is safe.
      env: {
        ...process.env,
        HOME: fx.root,
        NO_COLOR: "1",
        FIREBREAK_ACTOR: "reader",
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "safe.directory",
        GIT_CONFIG_VALUE_0: "*",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("a read-only repository", () => {
  it("status, list and log answer from the record; note is refused in words and the record is unchanged", async () => {
    expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);
    const db = join(fx.work, ".git", "firebreak", "firebreak.db");
    const before = readFileSync(db);
    chmodTree(fx.root, 0o555, 0o444);

    const status = await asReader(["status"]);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain("ENG-1234 P1 Expired tokens accepted");
    const list = await asReader(["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("ENG-1234");
    const log = await asReader(["log"]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain("incident started");

    const note = await asReader(["note", "written from a read-only checkout"]);
    expect(note.code).toBe(4);
    expect(note.stderr).toContain("The record cannot be written here");
    expect(note.stderr).not.toContain("Unexpected error");
    expect(readFileSync(db)).toEqual(before);
  });
});

// Locks: two `ship` (or `rollback`) runs on the same incident, or on the same production
// environment, must not interleave. A lock is a file under <git common dir>/firebreak/locks/,
// created with O_EXCL so exactly one run gets it, holding who has it and since when.
// A lock whose process is provably gone (same host, pid not running) is taken over; any other
// held lock is released only by a person, with its id: `firebreak unlock <id>`.

import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { EXIT, FirebreakError } from "../errors.js";

export interface LockInfo {
  id: string;
  name: string; // "incident-ENG-1234", "env-production"
  pid: number;
  host: string;
  actor: string;
  command: string;
  ticket: string;
  since: string; // ISO 8601
}

export interface HeldLock {
  id: string;
  names: string[];
  /** Locks of dead processes that were taken over, for the person to know. */
  tookOver: LockInfo[];
  release(): Promise<void>;
}

const safeName = (n: string) => n.replace(/[^A-Za-z0-9._-]/g, "_");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(file: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockInfo;
  } catch {
    return null;
  }
}

export const lockDir = (gitCommonDir: string) => join(gitCommonDir, "firebreak", "locks");

export async function acquireLocks(dir: string, names: string[], who: Omit<LockInfo, "id" | "name" | "pid" | "host" | "since">, now: Date): Promise<HeldLock> {
  await mkdir(dir, { recursive: true });
  const id = `lk_${randomBytes(4).toString("hex")}`;
  const taken: string[] = [];
  const tookOver: LockInfo[] = [];
  const releaseAll = async () => {
    for (const f of taken.splice(0)) {
      const info = await readLock(f);
      if (info?.id === id) await rm(f, { force: true });
    }
  };
  try {
    for (const name of names) {
      const file = join(dir, `${safeName(name)}.lock`);
      const info: LockInfo = { id, name, pid: process.pid, host: hostname(), since: now.toISOString(), ...who };
      for (let attempt = 0; ; attempt++) {
        try {
          const fh = await open(file, "wx");
          await fh.writeFile(JSON.stringify(info, null, 2));
          await fh.close();
          taken.push(file);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          const held = await readLock(file);
          if (held && held.host === hostname() && !alive(held.pid) && attempt === 0) {
            // Its process is gone (kill -9, a crash): nothing can still be running under it.
            await rm(file, { force: true });
            tookOver.push(held);
            continue;
          }
          throw lockedError(held, name);
        }
      }
    }
  } catch (e) {
    await releaseAll();
    throw e;
  }
  return { id, names, tookOver, release: releaseAll };
}

function lockedError(held: LockInfo | null, name: string): FirebreakError {
  if (!held)
    return new FirebreakError({ code: "LOCKED", message: `Another firebreak run holds the lock ${name} (its lock file cannot be read).`, next: "wait for it to finish, then run the same command again", exit: EXIT.refused });
  const what = name.startsWith("env-") ? `the ${name.slice(4)} environment` : held.ticket;
  return new FirebreakError({
    code: "LOCKED",
    message: `${what} is locked by \`firebreak ${held.command}\` for ${held.ticket}, run by ${held.actor} (pid ${held.pid} on ${held.host}) since ${held.since}.`,
    why: "Two runs at once could merge, tag or deploy over each other.",
    next: `wait for it to finish; if that run is gone for good: firebreak unlock ${held.id}`,
    exit: EXIT.refused,
    details: [`lock id: ${held.id}`],
  });
}

/** Every lock file currently held. */
export async function listLocks(dir: string): Promise<(LockInfo & { file: string })[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".lock"));
  } catch {
    return [];
  }
  const out: (LockInfo & { file: string })[] = [];
  for (const f of files) {
    const info = await readLock(join(dir, f));
    if (info) out.push({ ...info, file: join(dir, f) });
  }
  return out;
}

/** Removes every lock file with this id; returns what was released (empty when none matched). */
export async function releaseById(dir: string, id: string): Promise<LockInfo[]> {
  const released: LockInfo[] = [];
  for (const l of await listLocks(dir)) {
    if (l.id !== id) continue;
    await rm(l.file, { force: true });
    const { file: _file, ...info } = l;
    released.push(info);
  }
  return released;
}

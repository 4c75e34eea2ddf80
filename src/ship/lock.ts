// Locks: two `ship` (or `rollback`) runs on the same incident, or on the same production
// environment, must not interleave, whichever clone or machine they run from. A lock is a lease
// in the store (a row per name: "incident-ENG-1234", "env-production") holding who has it, from
// which host and pid, until when, and a fencing token that grows with every acquisition. All the
// names are taken in one transaction, or none. The journal refuses an intent from a run whose
// token is no longer current, so a run that lost its lock cannot start anything.
// A lease is taken over only when its run is provably gone: on this host, its pid is not running
// and no deploy it started still runs (that one is waited for first); on another host, its
// heartbeat stopped (the lease expired). Any other held lock is released only by a person, with
// its id: `firebreak unlock <id>`.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { DeployMark, Fence, Lease, Store } from "../ports.js";
import { FirebreakError } from "../errors.js";
import { groupAlive, waitForDeploy } from "./orphan.js";

export type LockInfo = Omit<Lease, "token" | "expiresAt">;

/** A dead run whose locks were taken over, with every name it held. */
export type TakenOverRun = LockInfo & { names: string[] };

/**
 * The runs behind the locks taken over, one per run: a ship holds the incident's and the
 * environment's lock under one id, and the person is told once that its run is gone.
 */
export function takenOverRuns(locks: readonly LockInfo[]): TakenOverRun[] {
  const runs = new Map<string, TakenOverRun>();
  for (const l of locks) {
    const run = runs.get(l.id);
    if (run) run.names.push(l.name);
    else runs.set(l.id, { ...l, names: [l.name] });
  }
  return [...runs.values()];
}

export interface HeldLock {
  id: string;
  names: string[];
  /** Proof of holding these locks, checked by the store before each intent. */
  fence: Fence;
  /** Locks of dead processes that were taken over, for the person to know. */
  tookOver: LockInfo[];
  /** Records (or clears) the deploy running under this lock: a later run waits for it. */
  markDeploy(deploy: DeployMark | null): Promise<void>;
  release(): Promise<void>;
}

export interface LockOptions {
  say?: (line: string) => void;
  /** How long a lease lives without a heartbeat (another host may take it over after that). */
  ttlMs?: number;
  /** How long to wait for a deploy left running by a dead run before refusing. */
  waitMs?: number;
}

const DEFAULT_TTL_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A holder that is gone on this host but left its deploy running. */
const orphanedDeploy = (held: Lease): DeployMark | null =>
  held.host === hostname() && !alive(held.pid) && held.deploy && held.deploy.host === hostname() && groupAlive(held.deploy.pgid)
    ? held.deploy
    : null;

function takeable(held: Lease, now: Date): boolean {
  if (held.host === hostname()) return !alive(held.pid) && !(held.deploy && held.deploy.host === held.host && groupAlive(held.deploy.pgid));
  // Another machine: its pid cannot be asked, but a live run renews its lease.
  return held.expiresAt !== "" && Date.parse(held.expiresAt) < now.getTime();
}

export async function acquireLocks(
  store: Store,
  names: string[],
  who: Omit<LockInfo, "id" | "name" | "pid" | "host" | "since" | "deploy">,
  now: Date,
  o: LockOptions = {},
): Promise<HeldLock> {
  const id = `lk_${randomBytes(4).toString("hex")}`;
  const ttl = o.ttlMs ?? DEFAULT_TTL_MS;
  const holder = { ...who, host: hostname(), pid: process.pid };
  const attempt = () =>
    store.acquireLeases({
      id,
      names,
      holder,
      now: now.toISOString(),
      expiresAt: new Date(Date.now() + ttl).toISOString(),
      canTakeOver: (held) => takeable(held, new Date()),
    });
  let got = await attempt();
  if (!got.ok) {
    const orphan = orphanedDeploy(got.held);
    if (!orphan) throw lockedError(got.held);
    // The run that held it is gone but its deploy is not: wait for that deploy, never beside it.
    const ended = await waitForDeploy(orphan, { say: o.say ?? (() => undefined), boundMs: o.waitMs ?? 30 * 60_000 });
    if (ended === "running") throw stillDeployingError(got.held, orphan);
    got = await attempt();
    if (!got.ok) throw lockedError(got.held);
  }
  const { token } = got;
  // The heartbeat: keeps the lease from expiring while this run lives (it never keeps Node alive).
  const beat = setInterval(
    () => void store.renewLeases(id, token, new Date(Date.now() + ttl).toISOString()).catch(() => undefined),
    Math.max(1000, Math.floor(ttl / 3)),
  );
  beat.unref();
  let released = false;
  return {
    id,
    names,
    fence: { token, names },
    tookOver: got.tookOver.map(info),
    markDeploy: (deploy) => store.markLeaseDeploy(id, deploy),
    async release() {
      clearInterval(beat);
      if (released) return;
      released = true;
      await store.releaseLeases(id);
    },
  };
}

const info = ({ token: _t, expiresAt: _e, ...rest }: Lease): LockInfo => rest;

function lockedError(held: Lease): FirebreakError {
  const what = held.name.startsWith("env-") ? `the ${held.name.slice(4)} environment` : held.ticket;
  // A team server names no holder of a lock taken for an incident this token may not see.
  if (held.id === "")
    return new FirebreakError({
      code: "LOCKED",
      message: `${held.name.startsWith("env-") ? what : held.name} is locked by a run on an incident this token does not see.`,
      next: "wait for it to finish; a commander can tell whose run it is",
    });
  const deploying = held.deploy ? `; its deploy runs as process group ${held.deploy.pgid} on ${held.deploy.host}` : "";
  return new FirebreakError({
    code: "LOCKED",
    message: `${what} is locked by \`firebreak ${held.command}\` for ${held.ticket}, run by ${held.actor} (pid ${held.pid} on ${held.host}) since ${held.since}${deploying}.`,
    next: `wait for it to finish; if that run is gone for good: firebreak unlock ${held.id}`,
    details: [`lock id: ${held.id}`],
  });
}

function stillDeployingError(held: Lease, d: DeployMark): FirebreakError {
  return new FirebreakError({
    code: "LOCKED",
    message: `The deploy started by \`firebreak ${held.command}\` (pid ${held.pid}, gone) is still running as process group ${d.pgid} on ${d.host}, since ${d.startedAt}.`,
    why: "Starting anything on this environment beside a running deploy could deploy twice. Its log: " + d.log,
    next: `wait for it to end, then run the same command again (to stop it instead: kill -TERM -${d.pgid})`,
    details: [`lock id: ${held.id}`],
  });
}

/** Every lock currently held. */
export async function listLocks(store: Store): Promise<LockInfo[]> {
  return (await store.listLeases()).map(info);
}

/**
 * Why the run holding these leases may still be working, or null when it is gone: on this machine
 * its process or its deploy's process group is alive; on another, its heartbeat is current.
 */
export function stillWorking(held: Lease, now: Date): string | null {
  if (takeable(held, now)) return null;
  if (held.host !== hostname()) return `its heartbeat from ${held.host} is current (the lease runs to ${held.expiresAt})`;
  return alive(held.pid)
    ? `its process ${held.pid} is running on this machine`
    : `its deploy (process group ${held.deploy?.pgid}) is running on this machine`;
}

/** Releases every lock with this id; returns what was released (empty when none matched). */
export async function releaseById(store: Store, id: string): Promise<LockInfo[]> {
  return (await store.releaseLeases(id)).map(info);
}

// firebreak unlock <lock id>: releases a ship/rollback lock (a lease in the store) whose run is gone for good.
// Without an id it lists the locks held. A lock is only ever released by its id, so nobody frees
// a lock that a running deploy still holds by accident, and a lock whose run is still working is
// released only with --force.

import type { CommandInput } from "../run-command.js";
import { E, EXIT, FirebreakError } from "../../errors.js";
import { hostname } from "node:os";
import { listLocks, releaseById, stillWorking } from "../../ship/lock.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const store = await app.store();
  const id = args[0];
  if (!id) {
    const locks = await listLocks(store);
    out.data({ locks });
    if (locks.length === 0) out.line("No ship or rollback lock is held.");
    for (const l of locks)
      out.line(
        `  ${l.id}  ${l.name}  firebreak ${l.command} for ${l.ticket}, by ${l.actor} (pid ${l.pid} on ${l.host}) since ${l.since}${l.deploy ? `, deploying (process group ${l.deploy.pgid} on ${l.deploy.host})` : ""}`,
      );
    out.next(locks.length ? `firebreak unlock ${locks[0]!.id}   # only if that run is gone for good` : "firebreak status");
    return EXIT.ok;
  }
  if (!/^lk_[0-9a-f]{8}$/.test(id))
    throw E.usage(`${JSON.stringify(id)} is not a lock id (lk_ and 8 hex digits).`, "firebreak unlock   # lists the locks held");
  // A run still working would be joined by a second one the moment its lock is gone.
  const held = (await store.listLeases()).filter((l) => l.id === id);
  const working = held[0] ? stillWorking(held[0], app.clock.now()) : null;
  if (working && !opts.force)
    throw new FirebreakError({
      code: "LOCK_STILL_HELD",
      message: `Lock ${id} belongs to a run that is still working: ${working} (firebreak ${held[0]!.command} for ${held[0]!.ticket}, by ${held[0]!.actor}).`,
      next: `let it finish, or stop it (Ctrl-C in its terminal${held[0]!.host === hostname() ? `, or kill -INT ${held[0]!.pid}` : ` on ${held[0]!.host}`}); if that process is not Firebreak's: firebreak unlock ${id} --force`,
    });
  const released = await releaseById(store, id);
  if (released.length === 0) throw new FirebreakError({ code: "NO_SUCH_LOCK", message: `No lock ${id} is held.` });
  const actor = await app.actor();
  const incident = await store.findByTicket(released[0]!.ticket);
  if (incident)
    await store.appendEvent(incident.id, {
      at: app.clock.now().toISOString(),
      actor,
      kind: "lock.released",
      data: {
        id,
        names: released.map((l) => l.name),
        heldBy: released[0]!.actor,
        since: released[0]!.since,
        summary: `lock ${id} (${released[0]!.command}, since ${released[0]!.since}) released by hand`,
      },
    });
  out.data({ released });
  out.success(
    `Released lock ${id} (${released.map((l) => l.name).join(", ")}), held since ${released[0]!.since} by ${released[0]!.actor}.`,
  );
  // The held command in full (`rollback --strategy previous`, `ship --to staging`): a bare
  // `firebreak rollback` could pick another strategy than the run that was interrupted.
  out.next(`firebreak ${released[0]!.command}   # run it again: what was done is not repeated`);
  return EXIT.ok;
}

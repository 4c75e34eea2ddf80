// One team's view of the store (KyselyStore.forTeam): every read filtered by the team, every
// write stamped with it. Two teams start the same ticket at the same moment and take locks of the
// same names without blocking each other; a view finds nothing of another team, by any key, and
// cannot write to it; the unscoped store of a clone's own record is the 'default' team's.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/errors.js";
import type { LeaseRequest } from "../../src/ports.js";
import type { KyselyStore } from "../../src/store/kysely-store.js";
import { openStore } from "../../src/store/open-store.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

const lease = (id: string): LeaseRequest => ({
  id,
  names: ["incident-ENG-1234", "env-production"],
  holder: { actor: "Dana Lee", command: "ship --to production", ticket: "ENG-1234", host: "laptop-1", pid: 1 },
  now: "2026-12-05T10:00:00.000Z",
  expiresAt: "2026-12-05T10:01:00.000Z",
  canTakeOver: () => false,
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return "none";
  } catch (e) {
    return isFirebreakError(e) ? e.code : String(e);
  }
};

describe.each(BACKENDS)("team views of the store on $name", (factory) => {
  let handle: BackendHandle;
  let root: KyselyStore;

  beforeEach(async () => {
    handle = await factory.setup();
    root = (await openStore(handle.options)) as KyselyStore;
  });
  afterEach(async () => {
    await root?.close();
    await handle?.cleanup();
  });

  it("lets two teams start one ticket at once, and still refuses a second start within a team", async () => {
    const [a, b] = [root.forTeam("alpha"), root.forTeam("bravo")];
    const [ia, ib] = await Promise.all([
      a.createIncident(newIncident(), event("incident.started")),
      b.createIncident(newIncident(), event("incident.started")),
    ]);
    expect(ia.id).not.toBe(ib.id);
    expect(await code(a.createIncident(newIncident(), event("incident.started")))).toBe("TICKET_IN_PROGRESS");
    // Each view finds its own, by every key.
    expect((await a.findActiveByTicket("ENG-1234"))?.id).toBe(ia.id);
    expect((await b.findByTicket("ENG-1234"))?.id).toBe(ib.id);
    expect((await b.findByBranch(newIncident().branch))?.id).toBe(ib.id);
    expect((await a.listIncidents({ all: true })).map((i) => i.id)).toEqual([ia.id]);
    // And nothing of the other's.
    expect(await b.getIncident(ia.id)).toBeUndefined();
    expect(await b.timeline(ia.id)).toEqual([]);
    expect(await b.listEffects(ia.id)).toEqual([]);
    expect(await b.verifyTimeline(ia.id)).toMatchObject({ ok: true, checked: 0 });
    expect(await code(b.appendEvent(ia.id, event("note", { text: "bravo was here" })))).toBe("NO_INCIDENT");
    expect(await code(b.updateIncident(ia.id, { status: "resolved" }))).toBe("NO_INCIDENT");
    expect(await code(b.recordIntent(ia.id, "deploy:1", {}, event("note", { text: "x" })))).toBe("NO_INCIDENT");
    expect((await a.timeline(ia.id)).map((e) => e.kind)).toEqual(["incident.started"]);
    // The unscoped store of a clone's own record is the 'default' team's: neither of these is one.
    expect(root.team).toBe("default");
    expect(await root.forTeam("default").listIncidents({ all: true })).toEqual([]);
  });

  it("takes locks of the same names in two teams at once; release and renew touch the view's own only", async () => {
    const [a, b] = [root.forTeam("alpha"), root.forTeam("bravo")];
    const [la, lb] = await Promise.all([a.acquireLeases(lease("lk_alpha")), b.acquireLeases(lease("lk_bravo"))]);
    expect(la.ok && lb.ok).toBe(true);
    expect((await a.acquireLeases(lease("lk_alpha2"))).ok).toBe(false);
    expect((await b.listLeases()).map((l) => l.id)).toEqual(["lk_bravo", "lk_bravo"]);
    expect(await b.releaseLeases("lk_alpha")).toEqual([]);
    expect(await b.renewLeases("lk_alpha", la.ok ? la.token : 0, "2026-12-05T11:00:00.000Z")).toBe(false);
    expect((await a.listLeases()).map((l) => l.id)).toEqual(["lk_alpha", "lk_alpha"]);
  });
});

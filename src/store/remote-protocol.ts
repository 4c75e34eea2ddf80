// The wire between the CLI and a team server's record: every Store method is one
// `POST /store/<method>` with its arguments as a JSON array, answered `{ result }` or the
// catalogue's error. Listed here once, so the client (remote-store.ts) and the server
// (server/store-route.ts) cannot disagree about which methods exist or which only read.

export const STORE_READS = [
  "getIncident",
  "findActiveByTicket",
  "findByTicket",
  "findByBranch",
  "listIncidents",
  "timeline",
  "verifyTimeline",
  "getEffect",
  "listEffects",
  "listLeases",
] as const;

export const STORE_WRITES = [
  "createIncident",
  "updateIncident",
  "appendEvent",
  "recordIntent",
  "annotateIntent",
  "recordOutcome",
  "clearIntent",
  "acquireLeases",
  "renewLeases",
  "markLeaseDeploy",
  "releaseLeases",
] as const;

export type StoreRead = (typeof STORE_READS)[number];
export type StoreWrite = (typeof STORE_WRITES)[number];
export type StoreMethod = StoreRead | StoreWrite;

export const isStoreMethod = (m: string): m is StoreMethod =>
  (STORE_READS as readonly string[]).includes(m) || (STORE_WRITES as readonly string[]).includes(m);

export const isStoreRead = (m: StoreMethod): m is StoreRead => (STORE_READS as readonly string[]).includes(m);

/**
 * A lease request as it crosses the wire. `canTakeOver` is a function of the caller's host (is that
 * pid still running here?), so it cannot travel: the client names the leases it has proved dead
 * (id and token), and the server takes over only those, or ones whose heartbeat has stopped.
 */
export interface WireLeaseRequest {
  id: string;
  names: string[];
  holder: { actor: string; command: string; ticket: string; host: string; pid: number };
  now: string;
  expiresAt: string;
  takeOver: { id: string; token: number }[];
}

/** Who the server says the caller is: the actor recorded on every write made with the token. */
export interface WhoAmI {
  name: string;
  role: string;
  kind: "person" | "agent" | "service";
  /** The team the token belongs to (servers before teams did not say: the one team there was). */
  team?: string;
}

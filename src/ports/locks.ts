// Leases: the locks that keep two people from shipping the same incident, or to the same
// environment, at once. The store keeps them (in the same database as the record, so an intent is
// written only under a lease that is still current); ship/lock.ts takes and renews them.

/** Who holds a lease: shown to whoever is refused, so they know whom to ask. */
export interface LeaseHolder {
  actor: string;
  command: string; // "ship --to production"
  ticket: string;
  host: string;
  pid: number;
}

/** A deploy running under a lease: its process group (on `host`) and where its output goes. */
export interface DeployMark {
  pgid: number;
  host: string;
  /** The redacted log people read. */
  log: string;
  /** The raw output file the deploy writes to (it outlives Firebreak); removed once relayed. */
  spool: string;
  startedAt: string;
}

export interface Lease extends LeaseHolder {
  id: string; // lk_ and 8 hex digits; one id for the names taken together
  name: string; // "incident-ENG-1234", "env-production"
  /** Grows with every acquisition of this name: a holder whose token is not current lost it. */
  token: number;
  since: string;
  expiresAt: string;
  deploy: DeployMark | null;
}

/** Proof of holding leases, checked by the store before an intent is written or cleared. */
export interface Fence {
  token: number;
  names: string[];
}

export interface LeaseRequest {
  id: string;
  names: string[];
  holder: LeaseHolder;
  now: string;
  expiresAt: string;
  /** Decides, inside the transaction that then takes it, whether a held lease may be taken over. */
  canTakeOver(held: Lease): boolean;
}

export type LeaseResult = { ok: true; token: number; tookOver: Lease[] } | { ok: false; held: Lease };

export interface Locks {
  /** Takes every name or none, in one transaction: a free or takeable row gets the next token. */
  acquireLeases(req: LeaseRequest): Promise<LeaseResult>;
  /** Moves the expiry of the leases held as `id` with `token`; false when they were lost. */
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean>;
  /** Records (or clears, with null) the deploy running under the leases held as `id`. */
  markLeaseDeploy(id: string, deploy: DeployMark | null): Promise<void>;
  /** Frees the leases held as `id`; returns what was freed (empty when none). */
  releaseLeases(id: string): Promise<Lease[]>;
  listLeases(): Promise<Lease[]>;
}

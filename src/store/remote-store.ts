// The record kept by a team server, behind the same Store port as a local file: each method is one
// HTTPS call (remote-protocol.ts), so every command works on the team's shared record unchanged.
// The server decides what this token may see and write, and records the token's name as the actor;
// leases live there too, so two `ship`s from two machines cannot both proceed.

import type { ChainCheck, Lease, LeaseRequest, LeaseResult, Store } from "../ports.js";
import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import { redactDeep } from "../redact.js";
import { CATALOGUE, type ErrorCode } from "../errors/catalogue.js";
import type { StoreMethod, WhoAmI, WireLeaseRequest } from "./remote-protocol.js";

export interface RemoteStoreOptions {
  url: string;
  token: string;
  /** How long one call may take before the server counts as unreachable (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface ErrorBody {
  error?: { code?: string; message?: string; why?: string | null; next?: string | null; details?: string[] };
}

/** The server's refusal, in the catalogue's words, as if the store had thrown it here. */
function fromBody(status: number, body: ErrorBody | null, url: string): FirebreakError {
  const e = body?.error;
  const known = e?.code && e.code in CATALOGUE ? (e.code as ErrorCode) : null;
  if (!known || !e?.message)
    return new FirebreakError({
      code: "SERVER_UNREACHABLE",
      message: `The team server at ${url} answered HTTP ${status} without a Firebreak error.`,
      next: `check that ${url} is a Firebreak server: firebreak whoami`,
    });
  // A token the server no longer takes is this clone's saved login: say which server, and that a
  // new token goes in with login (the server's own next cannot know the URL it was reached by).
  const stale = known === "SERVER_UNAUTHENTICATED";
  const info = {
    code: known,
    message: stale ? `${e.message.replace(/\.$/, "")}: the token this clone uses for ${url}.` : e.message,
    ...(e.why ? { why: e.why } : {}),
    ...(stale
      ? { next: `ask an admin for a new token (firebreak token create --name <you> --role responder), then: firebreak login ${url}` }
      : e.next
        ? { next: e.next }
        : {}),
    details: e.details ?? [],
  };
  // An error whose exit depends on the signal never crosses the wire; any other code keeps its own exit.
  return new FirebreakError(info as ConstructorParameters<typeof FirebreakError>[0]);
}

export class RemoteStore implements Store {
  readonly url: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(o: RemoteStoreOptions) {
    this.url = o.url.replace(/\/+$/, "");
    this.#token = o.token;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
    this.#fetch = o.fetch ?? fetch;
  }

  async #request(path: string, init: { method: "GET" | "POST"; body?: unknown }): Promise<unknown> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.url}${path}`, {
        method: init.method,
        headers: { authorization: `Bearer ${this.#token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new FirebreakError({
        code: "SERVER_UNREACHABLE",
        message: `The team server at ${this.url} did not answer (${cause?.code ?? ((e as Error).name === "TimeoutError" ? `no answer in ${this.#timeoutMs / 1000} s` : (cause?.message ?? (e as Error).message))}): nothing was read or written there by this call.`,
      });
    }
    const body = (await res.json().catch(() => null)) as (ErrorBody & { result?: unknown }) | null;
    if (!res.ok) throw fromBody(res.status, body, this.url);
    return body;
  }

  async #call<T>(method: StoreMethod, ...args: unknown[]): Promise<T> {
    // What this process knows to be secret never leaves it, whatever the server does with it.
    const body = (await this.#request(`/store/${method}`, { method: "POST", body: { args: redactDeep(args) } })) as { result?: unknown };
    return (body.result ?? undefined) as T;
  }

  /** Who the server takes this token for: the actor of every write made through it. */
  async whoami(): Promise<WhoAmI> {
    return (await this.#request("/whoami", { method: "GET" })) as WhoAmI;
  }

  createIncident(input: NewIncident, first: NewEvent): Promise<Incident> {
    return this.#call("createIncident", input, first);
  }
  getIncident(id: string): Promise<Incident | undefined> {
    return this.#call("getIncident", id);
  }
  findActiveByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#call("findActiveByTicket", ticket);
  }
  findByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#call("findByTicket", ticket);
  }
  findByBranch(branch: string): Promise<Incident | undefined> {
    return this.#call("findByBranch", branch);
  }
  listIncidents(opts: { all: boolean }): Promise<Incident[]> {
    return this.#call("listIncidents", opts);
  }
  updateIncident(id: string, patch: { status?: Incident["status"]; data?: Record<string, unknown> }, event?: NewEvent): Promise<Incident> {
    return this.#call("updateIncident", id, patch, event ?? null);
  }
  appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    return this.#call("appendEvent", incidentId, event);
  }
  timeline(incidentId: string): Promise<TimelineEvent[]> {
    return this.#call("timeline", incidentId);
  }
  verifyTimeline(incidentId: string): Promise<ChainCheck> {
    return this.#call("verifyTimeline", incidentId);
  }
  getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined> {
    return this.#call("getEffect", incidentId, key);
  }
  listEffects(incidentId: string): Promise<EffectRecord[]> {
    return this.#call("listEffects", incidentId);
  }
  recordIntent(
    incidentId: string,
    key: string,
    intent: Record<string, unknown>,
    event: NewEvent,
    fence?: Parameters<Store["recordIntent"]>[4],
  ): Promise<EffectRecord> {
    return this.#call("recordIntent", incidentId, key, intent, event, fence ?? null);
  }
  async annotateIntent(incidentId: string, key: string, patch: Record<string, unknown>): Promise<void> {
    await this.#call("annotateIntent", incidentId, key, patch);
  }
  recordOutcome(
    incidentId: string,
    key: string,
    outcome: { state: "done" | "possibly-done"; result: Record<string, unknown> | null },
    event: NewEvent,
  ): Promise<EffectRecord> {
    return this.#call("recordOutcome", incidentId, key, outcome, event);
  }
  async clearIntent(incidentId: string, key: string, event: NewEvent, fence?: Parameters<Store["clearIntent"]>[3]): Promise<void> {
    await this.#call("clearIntent", incidentId, key, event, fence ?? null);
  }

  /**
   * Takes the leases on the server. Whether a held lease's run is gone can only be told on its own
   * host (is that pid running?), so a refusal is judged here with the caller's own rule and, when
   * it says the holder is gone, asked again naming exactly that holder; at most once per name.
   */
  async acquireLeases(req: LeaseRequest): Promise<LeaseResult> {
    const takeOver: WireLeaseRequest["takeOver"] = [];
    const wire = (): WireLeaseRequest => ({
      id: req.id,
      names: req.names,
      holder: req.holder,
      now: req.now,
      expiresAt: req.expiresAt,
      takeOver,
    });
    for (let i = 0; i <= req.names.length; i++) {
      const got = await this.#call<LeaseResult>("acquireLeases", wire());
      if (got.ok || !req.canTakeOver(got.held) || takeOver.some((t) => t.id === got.held.id && t.token === got.held.token)) return got;
      takeOver.push({ id: got.held.id, token: got.held.token });
    }
    return this.#call<LeaseResult>("acquireLeases", wire());
  }
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean> {
    return this.#call("renewLeases", id, token, expiresAt);
  }
  async markLeaseDeploy(id: string, deploy: Lease["deploy"]): Promise<void> {
    await this.#call("markLeaseDeploy", id, deploy);
  }
  releaseLeases(id: string): Promise<Lease[]> {
    return this.#call("releaseLeases", id);
  }
  listLeases(): Promise<Lease[]> {
    return this.#call("listLeases");
  }

  async close(): Promise<void> {}
}

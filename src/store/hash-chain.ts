// The timeline's tamper evidence: each event's hash covers the previous hash and the event's own
// content, so editing, deleting or moving a row breaks the chain at that row. Canonical JSON
// (sorted keys, no whitespace) makes the hash independent of how a backend stores the JSON
// (PostgreSQL jsonb reorders keys).

import { createHash } from "node:crypto";
import type { ChainCheck } from "../ports.js";
import type { TimelineEvent } from "../domain/types.js";

/** A plain JSON value: what a value becomes after JSON.stringify and JSON.parse. */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

/** JSON with object keys sorted at every level and no whitespace. Input must be plain JSON. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

export type HashedContent = Pick<TimelineEvent, "incidentId" | "seq" | "at" | "recordedAt" | "actor" | "kind" | "data">;

export function eventHash(prevHash: string, e: HashedContent): string {
  const content = canonicalJson({
    incidentId: e.incidentId,
    seq: e.seq,
    at: e.at,
    recordedAt: e.recordedAt,
    actor: e.actor,
    kind: e.kind,
    data: e.data,
  });
  return createHash("sha256")
    .update(prevHash + content, "utf8")
    .digest("hex");
}

/**
 * Walks events in seq order and names the first one that breaks the chain:
 * - edited: the row's hash matches its own content under no seq;
 * - reordered: its content is intact but was written under another seq (rows swapped or moved);
 * - deleted: a seq is missing, or rows after a removed one were renumbered;
 * - inserted: a row the chain does not account for sits between a row and the one it links to.
 * The chain cannot notice its last rows being cut off (checkHead does, against the incident's
 * recorded head) or the whole chain being rewritten.
 */
export function checkChain(events: readonly TimelineEvent[]): ChainCheck {
  let prevHash = "";
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const fail = (seq: number, reason: NonNullable<ChainCheck["problem"]>["reason"]): ChainCheck => ({
      ok: false,
      checked: i + 1,
      problem: { seq, reason },
    });
    const intactAs = eventHash(e.prevHash, e) === e.hash ? e.seq : seqItWasWrittenAs(e, events.length);
    if (intactAs === undefined) return fail(e.seq, "edited");
    const linkIdx = e.prevHash === "" ? -1 : events.findIndex((p) => p.hash === e.prevHash);
    const linkFound = e.prevHash === "" || linkIdx >= 0;
    if (e.prevHash !== prevHash && linkFound && linkIdx < i - 1) {
      return fail(events[linkIdx + 1]!.seq, "inserted");
    }
    if (intactAs !== e.seq) {
      return fail(e.seq, !linkFound && intactAs > e.seq ? "deleted" : "reordered");
    }
    if (e.seq !== i + 1) return fail(i + 1, "deleted");
    if (e.prevHash !== prevHash) return fail(e.seq, "inserted");
    prevHash = e.hash;
  }
  return { ok: true, checked: events.length };
}

/** The seq this row's hash was computed with, if its content is otherwise untouched. */
function seqItWasWrittenAs(e: TimelineEvent, count: number): number | undefined {
  // Bounded: the seqs this timeline could have held, with room for a few removed rows.
  for (let seq = 1; seq <= count + 64; seq++) {
    if (seq !== e.seq && eventHash(e.prevHash, { ...e, seq }) === e.hash) return seq;
  }
  return undefined;
}

/**
 * The timeline against the head the incident row recorded with its last append: fewer events, or
 * a different last hash, means events were cut off the end. Null when they agree (or there is no
 * head to compare with).
 */
export function checkHead(events: readonly TimelineEvent[], head: { seq: number; hash: string } | null): ChainCheck | null {
  if (!head || head.seq === 0) return null;
  const last = events[events.length - 1];
  if (last && last.seq === head.seq && last.hash === head.hash) return null;
  const firstMissing = Math.min((last?.seq ?? 0) + 1, head.seq);
  return { ok: false, checked: events.length, problem: { seq: firstMissing, reason: "deleted" } };
}

// The effect journal: every durable side effect (push, PR, merge, tag, deploy, message) goes
// through effect(). It writes the intent before acting and the result after, each with its
// timeline event in the same transaction. On a re-run:
//   - a finished effect returns its stored result and does nothing;
//   - an intent without a result first asks the world (reconcile) whether it happened;
//     it performs only when the world says it did not;
//   - when the world cannot be asked, the effect is "possibly done" and a person decides:
//     it is never silently repeated.
// A kill -9 at any line therefore leaves no duplicate and no gap in the timeline.

import type { Clock, Fence, Store } from "../ports.js";
import type { NewEvent } from "../domain/types.js";
import { event, type EffectKind, type EventData, type EventKind } from "../domain/events/index.js";
import { E, FirebreakError } from "../errors.js";
import { redactDeep } from "../redact.js";
import { crashPoint } from "../crash-point.js";
import type { ActorKind } from "../domain/actor.js";
import { AmbiguousOutcome } from "../ports/outcome.js";
import { throwIfInterrupted } from "../stop.js";

export type EffectResult = Record<string, unknown>;

export interface EffectSpec<R extends EffectResult> {
  /** Timeline kind written when it is done, e.g. "branch.pushed" (the catalogue's EffectKind). */
  kind: EffectKind;
  /** What is about to happen, recorded with the intent (no secrets). */
  intent?: Record<string, unknown>;
  /**
   * Asks the world whether an interrupted attempt happened. Return the result if it did,
   * null if it certainly did not, or "unknown" when the world cannot say.
   */
  reconcile?: () => Promise<R | null | "unknown">;
  perform: () => Promise<R>;
  /** The command that lets a person settle a possibly-done effect. */
  settle?: string;
}

export interface EffectDeps {
  store: Store;
  clock: Clock;
  actor: string;
  /** What the actor is (absent: a person at the CLI); the core refuses approvals from an agent or a service. */
  actorKind?: ActorKind;
  /** The lock the run holds: an intent is written (or cleared) only while it is still current. */
  fence?: Fence;
}

export interface EffectOutcome<R> {
  result: R;
  /** "performed" now, "replayed" from the journal, or "reconciled" from the world. */
  how: "performed" | "replayed" | "reconciled";
}

// Adapters throw it; it lives with the ports so they need not import workflow.
export { AmbiguousOutcome };

export async function effect<R extends EffectResult>(
  deps: EffectDeps,
  incidentId: string,
  key: string,
  spec: EffectSpec<R>,
  opts: { force?: boolean } = {},
): Promise<EffectOutcome<R>> {
  const { store, clock, actor, fence } = deps;
  const ev = <K extends EventKind>(kind: K, data: EventData<K>): NewEvent => ({
    at: clock.now().toISOString(),
    actor,
    ...event(kind, redactDeep(data)),
  });
  // The done event carries the key and the effect's result, whose fields vary by effect: the
  // catalogue's schema for the kind is checked by the store when it is appended.
  const done = (data: Record<string, unknown>) => ev(spec.kind, data as EventData<EffectKind>);
  const existing = await store.getEffect(incidentId, key);

  if (existing?.state === "done") return { result: existing.result as R, how: "replayed" };

  if (existing) {
    // An earlier run wrote the intent and stopped. Ask the world before doing anything.
    const seen = spec.reconcile && !(existing.state === "possibly-done" && opts.force) ? await spec.reconcile() : "unknown";
    if (seen && seen !== "unknown") {
      await store.recordOutcome(incidentId, key, { state: "done", result: redactDeep(seen) }, done({ key, ...seen, reconciled: true }));
      return { result: seen, how: "reconciled" };
    }
    if (seen === "unknown" && !opts.force) {
      if (existing.state !== "possibly-done")
        await store.recordOutcome(
          incidentId,
          key,
          { state: "possibly-done", result: null },
          ev("effect.possibly-done", { key, ...(spec.settle ? { settle: spec.settle } : {}) }),
        );
      throw E.possiblyDone(key, spec.settle ?? "check by hand whether it happened, then run the command again with --resend");
    }
    // The world says it never happened (or a person said to go ahead): clear and perform.
    await store.clearIntent(
      incidentId,
      key,
      ev("effect.retry", { key, reason: seen === null ? "not found in the world" : "forced" }),
      fence,
    );
  }

  // Once Firebreak has been told to stop (SIGINT, SIGTERM, SIGHUP), no new effect begins.
  throwIfInterrupted();
  await store.recordIntent(incidentId, key, redactDeep(spec.intent ?? {}), ev("effect.intent", { key, ...(spec.intent ?? {}) }), fence);
  crashPoint(key, "after-intent");
  let result: R;
  try {
    result = await spec.perform();
  } catch (e) {
    if (e instanceof AmbiguousOutcome) {
      await store.recordOutcome(
        incidentId,
        key,
        { state: "possibly-done", result: null },
        ev("effect.possibly-done", { key, error: e.message, ...(spec.settle ? { settle: spec.settle } : {}) }),
      );
      throw E.possiblyDone(key, spec.settle ?? "check by hand whether it happened, then run the command again with --resend");
    }
    // A clean failure: it did not happen, so the intent is cleared and a re-run may try again.
    const message = e instanceof FirebreakError ? e.message : e instanceof Error ? e.message : String(e);
    await store.clearIntent(incidentId, key, ev("effect.failed", { key, error: message }));
    throw e;
  }
  crashPoint(key, "after-perform");
  try {
    await store.recordOutcome(incidentId, key, { state: "done", result: redactDeep(result) }, done({ key, ...result }));
  } catch (e) {
    throw doneButNotRecorded(key, e);
  }
  return { result, how: "performed" };
}

/**
 * The world changed but the team server stopped answering before the record could say so: the
 * person must know it happened, and that running the command again records it
 * without doing it again (the intent is on the record, so the re-run asks the world first).
 */
function doneButNotRecorded(key: string, e: unknown): unknown {
  if (!(e instanceof FirebreakError) || e.code !== "SERVER_UNREACHABLE") return e;
  return new FirebreakError({
    code: e.code,
    message: `${key} was done, but the record could not say so: ${e.message}`,
    why: "The intent is on the record, so the next run asks the world whether it happened before doing anything: it records this one and does not do it again.",
    next: 'run the same command again once the record can be written (on a team server: when it answers, or now with --offline --reason "why")',
  });
}

// Building blocks for the event catalogue's schemas. Every event's data is an open object: a
// writer may add a field (an effect's result, a newer release's extra fact) without a schema
// change, while the fields readers rely on are checked by name and type.

import { z } from "zod";

/** An object that keeps (and allows) fields the schema does not name. */
export const open = <S extends z.core.$ZodLooseShape>(shape: S) => z.looseObject(shape);

/** A short human line every writer may add; describe-event prints it for kinds it has no words for. */
export const summary = z.string().optional();

/** A non-empty string: an id, a sha, a name readers look things up by. */
export const id = z.string().min(1);

export const sha = z.string().min(1);

/** An ISO 8601 time (readers parse it). */
export const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not an ISO 8601 time");

/**
 * The data an effect writes with its done event: the journal key, then the effect's result
 * (spread in, so its fields vary by effect), and `reconciled` when the world said it happened.
 * The journal always writes the key; a record written by hand (a test, an import) may not.
 */
export const effectDone = <S extends z.core.$ZodLooseShape>(shape: S) =>
  open({ key: id.optional(), reconciled: z.boolean().optional(), summary, ...shape });

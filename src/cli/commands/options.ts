// Commander hands each command its flags as untyped values. Each command turns them into its
// own typed options at the top, with these readers, before anything else looks at them.

export type RawOptions = Record<string, unknown>;

/** A flag that takes a value: the string given, else undefined. */
export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A switch: true when given (a --no-x switch is false only when given). */
export const bool = (value: unknown): boolean => Boolean(value);

/** A repeatable flag: every value given, in order. */
export const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

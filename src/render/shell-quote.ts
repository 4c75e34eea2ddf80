// Command lines people copy from messages, notes and the PR body.

/** Quotes a value for a command line a person will copy, only when it needs it. */
export function shq(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

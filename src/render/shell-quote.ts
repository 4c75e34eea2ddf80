// A value as it can be pasted into a shell: left bare when it is safe, single-quoted otherwise.
// Next steps name tickets and reasons people typed; they must run as shown.

export function shq(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

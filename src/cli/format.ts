// Small formatting helpers shared by commands. Times are shown in UTC, always labelled.

export function utc(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

export function splitList(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Quotes a value for a command line a person will copy, only when it needs it. */
export function shq(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export const isInteractive = () => process.stdin.isTTY === true && process.stdout.isTTY === true;

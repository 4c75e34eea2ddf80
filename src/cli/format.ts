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

// Moved to render/ (operations quote commands too); re-exported for the commands.
export { shq } from "../render/shell-quote.js";

export const isInteractive = () => process.stdin.isTTY === true && process.stdout.isTTY === true;

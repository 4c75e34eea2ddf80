// Defensive readers for stored event data and the incident's data cache. A record written by an
// older release (or by hand) may lack a field or hold it in another shape: that gives an empty
// answer, never a crash.

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" ? String(v) : undefined;
export const num = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  if (isObj(v)) return num(v.value);
  return undefined;
};
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
export const isoOf = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : undefined;
};

// The subject and sender fold onto one header line here, at the edge (used by email.ts and by the
// announcement renderer, which must not load nodemailer just for this).

/** One header line: no CR, LF or other control characters, bounded. */
export function headerSafe(value: string, max = 200): string {
  const one = value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return one.length > max ? one.slice(0, max - 1) + "…" : one;
}

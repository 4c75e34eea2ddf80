// Building blocks shared by every section of .firebreak.yml's schema (schema.ts and the
// per-area files schema-*.ts): plain strings, ref names, regexes, zones, dates and secret refs.

import * as z from "zod";
import { ENV_REF_RE, type SecretRef } from "./secrets.js";

export const ENV_ONLY_FOR_SECRETS =
  "env:NAME is only for secrets (forge.token and values under deploy, verify, notify); write the value itself";

/** A string in a typed field: never an env: reference (those are for secrets only). */
export const plain = () =>
  z
    .string()
    .refine((v) => !v.startsWith("env:"), { message: ENV_ONLY_FOR_SECRETS, abort: true })
    .refine((v) => v.trim() !== "", { message: "must not be empty", abort: true });

/** Why `name` cannot be a git branch name (after git check-ref-format), or null when it can. */
export function branchNameProblem(name: string): string | null {
  if (name.startsWith("-")) return "must not start with - (git would read it as an option)";
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return "must not contain spaces, control characters or any of ~ ^ : ? * [ \\";
  if (name.includes("..") || name.includes("@{") || name.includes("//")) return "must not contain .., @{ or //";
  if (name === "@" || name.startsWith("/") || name.endsWith("/") || name.endsWith("."))
    return "must not be @, start or end with /, or end with .";
  if (name.split("/").some((c) => c.startsWith(".") || c.endsWith(".lock"))) return "no part may start with . or end with .lock";
  return null;
}

export const refName = (what: string) =>
  plain().superRefine((v, ctx) => {
    const p = branchNameProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: `not a valid ${what}: ${p}` });
  });

export const regexSource = plain().superRefine((v, ctx) => {
  try {
    new RegExp(v);
  } catch (e) {
    ctx.addIssue({
      code: "custom",
      message: `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`,
    });
  }
});

/** The canonical IANA name for `tz` (Intl accepts any case), or null when it is not a zone. */
export function canonicalTimeZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const timeZone = plain().transform((v, ctx) => {
  const zone = canonicalTimeZone(v);
  if (zone) return zone;
  const lower = v.toLowerCase().replace(/ /g, "_");
  const near = Intl.supportedValuesOf("timeZone").find((n) => n.toLowerCase() === lower || n.toLowerCase().endsWith("/" + lower));
  ctx.addIssue({
    code: "custom",
    message: `not an IANA time zone${near ? ` (did you mean ${near}?)` : ""} (valid: names like UTC, Europe/Berlin, America/New_York)`,
  });
  return z.NEVER;
});

export const isoDate = plain().superRefine((v, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    ctx.addIssue({
      code: "custom",
      message: "not a calendar date: write YYYY-MM-DD, e.g. 2025-12-25 (quote it if your editor turns it into something else)",
    });
  }
});

export const positiveInt = () => z.number().int().min(1);

export const secretRef = z
  .string()
  .regex(ENV_REF_RE, {
    message: "a secret is never written in the file: put it in the environment and write env:NAME (e.g. env:GITHUB_TOKEN)",
  })
  .transform((v) => v as SecretRef);

// The shape of .firebreak.yml. Every key is optional and has a default, so an empty file (or
// none) is a working config. deploy/verify/notify accept any object for now so that features
// added later can give them meaning without breaking files written today.

import * as z from "zod";
import { ENV_REF_RE, type SecretRef } from "./secrets.js";

export const CONFIG_FILE = ".firebreak.yml";
export const DEFAULT_TICKET_PATTERN = "^[A-Z][A-Z0-9]{1,9}-[0-9]{1,9}$";
export const GUARD_RULE_MODES = ["block", "warn", "off"] as const;
export type GuardRuleMode = (typeof GUARD_RULE_MODES)[number];

const ENV_ONLY_FOR_SECRETS = "env:NAME is only for secrets (forge.token and values under deploy, verify, notify); write the value itself";

/** A string in a typed field: never an env: reference (those are for secrets only). */
const plain = () =>
  z
    .string()
    .refine((v) => !v.startsWith("env:"), { message: ENV_ONLY_FOR_SECRETS, abort: true })
    .refine((v) => v.trim() !== "", { message: "must not be empty", abort: true });

/** Why `name` cannot be a git branch name (after git check-ref-format), or null when it can. */
export function branchNameProblem(name: string): string | null {
  if (name.startsWith("-")) return "must not start with - (git would read it as an option)";
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return "must not contain spaces, control characters or any of ~ ^ : ? * [ \\";
  if (name.includes("..") || name.includes("@{") || name.includes("//")) return "must not contain .., @{ or //";
  if (name === "@" || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return "must not be @, start or end with /, or end with .";
  if (name.split("/").some((c) => c.startsWith(".") || c.endsWith(".lock"))) return "no part may start with . or end with .lock";
  return null;
}

const refName = (what: string) =>
  plain().superRefine((v, ctx) => {
    const p = branchNameProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: `not a valid ${what}: ${p}` });
  });

const regexSource = plain().superRefine((v, ctx) => {
  try {
    new RegExp(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}` });
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

const timeZone = plain().transform((v, ctx) => {
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

const isoDate = plain().superRefine((v, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    ctx.addIssue({ code: "custom", message: "not a calendar date: write YYYY-MM-DD, e.g. 2025-12-25 (quote it if your editor turns it into something else)" });
  }
});

const positiveInt = () => z.number().int().min(1);

const secretRef = z
  .string()
  .regex(ENV_REF_RE, { message: "a secret is never written in the file: put it in the environment and write env:NAME (e.g. env:GITHUB_TOKEN)" })
  .transform((v) => v as SecretRef);

const guardLevel = z.looseObject({
  maxFiles: positiveInt().optional(),
  maxLines: positiveInt().optional(),
  rules: z.record(z.string(), z.enum(GUARD_RULE_MODES)).optional(),
});

export const ConfigSchema = z.object({
  production: z
    .object({
      branch: refName("branch name").default("main"),
      remote: refName("remote name").default("origin"),
    })
    .prefault({}),
  ticket: z
    .object({
      pattern: regexSource.default(DEFAULT_TICKET_PATTERN),
    })
    .prefault({}),
  calendar: z
    .object({
      timeZone: timeZone.default("UTC"),
      workDays: z
        .array(z.number().int().min(1).max(7))
        .min(1)
        .refine((a) => new Set(a).size === a.length, { message: "lists a day twice" })
        .default([1, 2, 3, 4, 5]),
      holidays: z.array(isoDate).default([]),
    })
    .prefault({}),
  forge: z
    .object({
      type: z.enum(["git", "github"]).default("git"),
      repo: plain()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "must be owner/name, e.g. acme/api" })
        .optional(),
      baseUrl: plain().pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. https://github.example.com/api/v3" })).optional(),
      token: secretRef.optional(),
    })
    .prefault({}),
  // The PR title as a template, e.g. "[HOTFIX][{{priority}}] {{ticket}}: {{title}}".
  pr: z
    .object({
      titleFormat: plain().optional(),
    })
    .prefault({}),
  checks: z
    .object({
      test: plain().optional(),
      typecheck: plain().optional(),
      build: plain().optional(),
      timeoutSeconds: positiveInt().max(86_400).default(600),
    })
    .prefault({}),
  guard: z
    .looseObject({
      testPatterns: z.array(plain()).optional(),
      levels: z
        .strictObject({
          P0: guardLevel.optional(),
          P1: guardLevel.optional(),
          P2: guardLevel.optional(),
          P3: guardLevel.optional(),
        })
        .optional(),
    })
    .prefault({}),
  deploy: z.looseObject({}).prefault({}),
  verify: z.looseObject({}).prefault({}),
  notify: z.looseObject({}).prefault({}),
  backport: z
    .looseObject({
      targets: z
        .array(
          z.object({
            branch: refName("branch name"),
            short: plain()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: "must be letters, digits, . _ or - (it becomes part of a branch name)" })
              .optional(),
          }),
        )
        .optional(),
    })
    .prefault({}),
});

/** The parsed config with every default filled in. */
export type Config = z.output<typeof ConfigSchema>;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object") {
    for (const item of Object.values(v)) deepFreeze(item);
    Object.freeze(v);
  }
  return v;
}

/** The config used when there is no .firebreak.yml. Frozen: use defaultConfig() for a copy to change. */
export const DEFAULT_CONFIG: Readonly<Config> = deepFreeze(ConfigSchema.parse({}));

export const defaultConfig = (): Config => ConfigSchema.parse({});

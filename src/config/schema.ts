// The shape of .firebreak.yml. Every key is optional and has a default, so an empty file (or
// none) is a working config. The sections of ship, verify, notify and review live in
// schema-<area>.ts; the shared building blocks in schema-parts.ts.

import * as z from "zod";
import { plain, refName, regexSource, timeZone, isoDate, positiveInt, secretRef } from "./schema-parts.js";
import { shipSections } from "./schema-ship.js";
import { verifySections } from "./schema-verify.js";
import { notifySections } from "./schema-notify.js";
import { reviewSections } from "./schema-review.js";
import { FORGE_KINDS } from "../domain/forge-facts.js";

export { branchNameProblem, canonicalTimeZone } from "./schema-parts.js";

export const CONFIG_FILE = ".firebreak.yml";
export const DEFAULT_TICKET_PATTERN = "^[A-Z][A-Z0-9]{0,9}-[0-9]{1,9}$";
export const GUARD_RULE_MODES = ["block", "warn", "off"] as const;
export type GuardRuleMode = (typeof GUARD_RULE_MODES)[number];

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
      type: z.enum(FORGE_KINDS).default("git"),
      repo: plain()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "must be owner/name, e.g. acme/api" })
        .optional(),
      baseUrl: plain()
        .pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. https://github.example.com/api/v3" }))
        .optional(),
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
  // Each later area owns its sections in its own file.
  ...shipSections,
  ...verifySections,
  ...notifySections,
  ...reviewSections,
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

// The .firebreak.yml sections that ship reads: where each environment is deployed (`deploy`), how
// a release is merged and tagged (`release`) and how it is undone (`rollback`). Every key is
// optional: with none, ship merges and tags, and says which deployer to configure.
//
//   deploy:
//     staging:    { type: command, command: "./deploy.sh staging", status: "curl -fsS https://staging.example.com/version" }
//     production: { type: vercel, token: env:VERCEL_TOKEN, project: prj_123, org: team_456 }
//   release:    { mergeMethod: merge, firstVersion: v0.1.0, tagPrefix: auto }
//   rollback:   { strategy: previous, flag: { env: { name: FEATURE_FIX_ENABLED, value: "false" } } }

import * as z from "zod";
import { plain, positiveInt, secretRef } from "./schema-parts.js";

const timeoutSeconds = positiveInt().max(86_400).default(1800);
const envName = plain().regex(/^[A-Z_][A-Z0-9_]*$/, { message: "must be an environment variable name (upper case letters, digits and _)" });
const argValue = plain().refine((v) => !v.startsWith("-"), { message: "must not start with - (the CLI would read it as an option)" });

const commandDeployer = z.object({
  type: z.literal("command"),
  /** The team's shell command; gets FIREBREAK_VERSION, FIREBREAK_SHA, FIREBREAK_TICKET, FIREBREAK_ENV. */
  command: plain(),
  /** Prints the version that is live (first line); used to tell whether an interrupted deploy happened. */
  status: plain().optional(),
  /** Brings back the previous version (gets FIREBREAK_VERSION/FIREBREAK_SHA of the version to go back to). */
  rollback: plain().optional(),
  /** release: a clean checkout of the commit being deployed (default); repo: the repository root. */
  workdir: z.enum(["release", "repo"]).default("release"),
  timeoutSeconds,
});

const vercelDeployer = z.object({
  type: z.literal("vercel"),
  token: secretRef.optional(), // default env:VERCEL_TOKEN
  project: argValue.optional(), // VERCEL_PROJECT_ID
  org: argValue.optional(), // VERCEL_ORG_ID
  scope: argValue.optional(),
  timeoutSeconds,
});

const netlifyDeployer = z.object({
  type: z.literal("netlify"),
  token: secretRef.optional(), // default env:NETLIFY_AUTH_TOKEN
  site: argValue.optional(), // NETLIFY_SITE_ID
  dir: argValue.optional(), // the publish folder
  build: z.boolean().default(true),
  timeoutSeconds,
});

const railwayDeployer = z.object({
  type: z.literal("railway"),
  token: secretRef.optional(), // default env:RAILWAY_TOKEN (a project token)
  service: argValue.optional(),
  environment: argValue.optional(),
  timeoutSeconds,
});

const beanstalkDeployer = z.object({
  type: z.literal("elastic-beanstalk"),
  /** The Elastic Beanstalk environment name. */
  environment: argValue,
  region: argValue.optional(),
  profile: argValue.optional(),
  accessKeyId: secretRef.optional(), // default: the AWS_* variables already in the environment
  secretAccessKey: secretRef.optional(),
  timeoutSeconds,
});

export const DeployerSchema = z.discriminatedUnion("type", [
  commandDeployer,
  vercelDeployer,
  netlifyDeployer,
  railwayDeployer,
  beanstalkDeployer,
]);
export type DeployerConfig = z.output<typeof DeployerSchema>;

export const shipSections = {
  // Loose so keys written for a later version still load.
  deploy: z
    .looseObject({
      staging: DeployerSchema.optional(),
      production: DeployerSchema.optional(),
    })
    .prefault({}),
  release: z
    .object({
      mergeMethod: z.enum(["merge", "squash", "rebase"]).default("merge"),
      /** The tag of the first release when production has no semver tag yet. */
      firstVersion: plain()
        .regex(/^v?\d+\.\d+\.\d+$/, { message: "must be MAJOR.MINOR.PATCH, e.g. v0.1.0 or 1.0.0" })
        .default("v0.1.0"),
      /** auto: keep the prefix the repository's tags use; "v" or "" to force one. */
      tagPrefix: z.enum(["auto", "v", ""]).default("auto"),
    })
    .prefault({}),
  rollback: z
    .object({
      /** Default strategy; without it: previous when the deployer can roll back, else revert. */
      strategy: z.enum(["revert", "previous", "flag"]).optional(),
      flag: z
        .object({
          /** The team's command that switches the fix's feature flag off (shown before it runs). */
          command: plain().optional(),
          /** Or: an environment variable set through the production deployer. */
          env: z.object({ name: envName, value: z.string().max(1000) }).optional(),
        })
        .optional(),
    })
    .prefault({}),
};

// Shipping: the merge, the tag, each deploy, and the rollbacks.

import { z } from "zod";
import { effectDone, open, summary } from "./parts.js";
import { DEPLOY_DONE_PATTERN, type DeployDoneKind } from "./kinds.js";
export { DEPLOY_DONE_PATTERN, type DeployDoneKind };

const deployment = effectDone({
  env: z.string().optional(),
  version: z.string().nullable().optional(),
  sha: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  deployer: z.string().optional(),
  confirmedBy: z.string().optional(),
});

export const SHIP_EVENTS = {
  "release.merged": effectDone({ sha: z.string().optional(), mergeSha: z.string().optional() }),
  "tag.created": effectDone({ tag: z.string(), sha: z.string().optional() }),
  "release.tagged": effectDone({ tag: z.string(), sha: z.string().optional(), remote: z.string().optional() }),
  "release.superseded": open({ tag: z.string().optional(), mergeSha: z.string().optional(), summary }),
  "rollback.reverted": effectDone({ sha: z.string().optional(), reverts: z.string().optional() }),
  "rollback.tagged": effectDone({ tag: z.string(), sha: z.string().optional() }),
  "rollback.deployed": deployment,
  "rollback.flag-off": effectDone({}),
  "rollback.done": open({
    strategy: z.string().optional(),
    version: z.string().nullable().optional(),
    from: z.string().nullable().optional(),
    reason: z.string().optional(),
    auto: z.boolean().optional(),
    summary,
  }),
} as const;

/** deploy.<env>.done: the deployer said the version is live on env (or a person confirmed it). */
export const deployDone = deployment;

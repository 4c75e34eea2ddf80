// The rollback plan, known before anything is deployed: which strategies this configuration can
// run, how, and which one `firebreak rollback` picks by default. The PR's Rollback Plan section
// and `ship --dry-run` show it.

import type { Config } from "../config/schema.js";
import type { Deployer } from "../ports/deployer.js";

export type RollbackStrategy = "revert" | "previous" | "flag";

export interface RollbackOption {
  strategy: RollbackStrategy;
  available: boolean;
  how: string;
  isDefault: boolean;
}

export function defaultStrategy(config: Config, deployer: Deployer | null): RollbackStrategy {
  return config.rollback.strategy ?? (deployer?.rollback ? "previous" : "revert");
}

export function rollbackPlan(config: Config, deployer: Deployer | null, previousTag: string | null): RollbackOption[] {
  const def = defaultStrategy(config, deployer);
  const flag = config.rollback.flag;
  const via = deployer ? deployer.type : "the production deployer";
  const previousHow = deployer?.rollback
    ? deployer.rollbackMethod
    : previousTag
      ? `redeploy ${previousTag} through ${via}`
      : "no earlier release tag to redeploy";
  return [
    {
      strategy: "revert",
      available: true,
      how: `git revert the merge on ${config.production.branch}, push, tag the next patch and deploy it through ${via}`,
      isDefault: def === "revert",
    },
    {
      strategy: "previous",
      available: Boolean(deployer?.rollback) || previousTag !== null,
      how: previousHow,
      isDefault: def === "previous",
    },
    {
      strategy: "flag",
      available: Boolean(flag?.command || (flag?.env && deployer?.setEnv)),
      how: flag?.command
        ? `run the flag command: ${flag.command}`
        : flag?.env
          ? `set ${flag.env.name}=${flag.env.value} through ${via}`
          : "no feature flag configured (rollback.flag in .firebreak.yml)",
      isDefault: def === "flag",
    },
  ];
}

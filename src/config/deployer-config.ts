// Which deployer an environment has, read from the config: the ship plan asks whether staging has
// one without building it (building reads its secrets).

import type { DeployEnv } from "../ports/deployer.js";
import type { Config } from "./schema.js";
import type { DeployerConfig } from "./schema-ship.js";

export function deployerConfig(config: Config, env: DeployEnv): DeployerConfig | null {
  return (config.deploy as { staging?: DeployerConfig; production?: DeployerConfig })[env] ?? null;
}

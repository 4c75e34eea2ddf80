// Builds the deployer configured for an environment (deploy.staging / deploy.production).

import type { Config } from "../../config/schema.js";
import { deployerConfig } from "../../config/deployer-config.js";
import type { Deployer, DeployEnv } from "../../ports/deployer.js";
import { CommandDeployer } from "./command.js";
import { BeanstalkDeployer, NetlifyDeployer, RailwayDeployer, VercelDeployer } from "./platforms.js";

export { deployerConfig };

/** The deployer for `env`, or null when none is configured. Secrets are read (and must exist) here. */
export function createDeployer(config: Config, env: DeployEnv, processEnv: NodeJS.ProcessEnv = process.env): Deployer | null {
  const c = deployerConfig(config, env);
  if (!c) return null;
  switch (c.type) {
    case "command":
      return new CommandDeployer(env, c);
    case "vercel":
      return new VercelDeployer(env, c, processEnv);
    case "netlify":
      return new NetlifyDeployer(env, c, processEnv);
    case "railway":
      return new RailwayDeployer(env, c, processEnv);
    case "elastic-beanstalk":
      return new BeanstalkDeployer(env, c, processEnv);
  }
}

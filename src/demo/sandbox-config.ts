// The sandbox team's .firebreak.yml: the offline git forge, the deploy script as a command
// deployer, a smoke test and a scraped /metrics watch, a webhook, an email file and a static status
// page, and two backport targets. Secrets (the webhook URL) come from the environment.

import type { Sandbox } from "./sandbox.js";

export function sandboxConfig(sb: Sandbox): string {
  const deploy = `node ../ops/deploy.mjs --port ${sb.port} --runtime ../runtime`;
  const base = `http://127.0.0.1:${sb.port}`;
  return `# Firebreak settings for sandbox-api (see firebreak init for every key).
production:
  branch: main
  remote: origin
forge:
  type: git
checks:
  test: npm test
deploy:
  production:
    type: command
    command: ${deploy}
    status: ${deploy} --status
backport:
  targets:
    - branch: release-candidate
      short: rc
    - branch: develop
      short: develop
`;
  void base;
}

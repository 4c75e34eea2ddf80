// The sandbox team's .firebreak.yml: the offline git forge, the deploy script as a command
// deployer, a smoke test and a scraped /metrics watch with automatic rollback at P0, a webhook
// (its URL is a secret, from the environment), .eml files and a static status page, and two
// backport targets. Windows are short so the whole demo fits in two minutes.

import type { Sandbox } from "./sandbox.js";

export function sandboxConfig(sb: Sandbox): string {
  const deploy = `node ../ops/deploy.mjs --port ${sb.port} --runtime ../runtime`;
  return `# Firebreak settings for sandbox-api.
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
    workdir: repo
# A bad release goes back to the version that ran before it.
rollback:
  strategy: previous
verify:
  baseUrl: { production: "http://127.0.0.1:${sb.port}" }
  smoke:
    - name: expired token refused
      url: /profile
      headers: { Authorization: env:SANDBOX_EXPIRED_TOKEN }
      expectStatus: 401
  metrics:
    - name: bad responses
      source: scrape
      url: /metrics
      bad: api_bad_responses_total
      total: api_requests_total
  baselineSeconds: 6
  warmupSeconds: 3
  intervalSeconds: 1
  windowMinutes: 2
  # The demo stops at the verdict to stay short; a team's default watches on to the window's end.
  keepWatching: false
  autoRollback: { P0: true }
notify:
  channels: [webhook, email, statuspage-static]
  webhook:
    url: env:DEMO_WEBHOOK_URL
  email:
    from: "Sandbox API <status@sandbox.example>"
    to: [alice@customer.example, carol@customer.example]
    outDir: ../out/email
  staticPage:
    dir: ../out/status-page
    title: Sandbox API status
backport:
  targets:
    - branch: release-candidate
      short: rc
    - branch: develop
      short: develop
`;
}

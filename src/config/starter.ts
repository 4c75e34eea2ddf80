// The commented .firebreak.yml that `firebreak init` writes: what was detected filled in, and a
// line on each section so the file explains itself to the next person who opens it.

import type { DetectedProject } from "./detect.js";
import { DEFAULT_TICKET_PATTERN } from "./schema.js";

/** A YAML scalar that reads back as exactly `s`: single quotes process no escapes. */
function q(s: string): string {
  if (/[\u0000-\u001f\u007f]/.test(s)) return JSON.stringify(s);
  return `'${s.replace(/'/g, "''")}'`;
}

/** A comment line: no newline in `s` may end the comment early. */
const c = (s: string) => `# ${s.replace(/[\r\n]+/g, " ")}`;

function branchReason(d: DetectedProject): string {
  switch (d.productionBranchFrom) {
    case "remote-head":
    case "ls-remote":
      return `Detected: ${d.remote ?? "the remote"}'s HEAD points at ${d.productionBranch}.`;
    case "local-main":
      return "Detected: the repository has a main branch.";
    case "local-master":
      return "Detected: the repository has a master branch and no main.";
    default:
      return "Nothing detected: main assumed; change it if production runs from another branch.";
  }
}

export function renderStarterConfig(d: DetectedProject, opts: { machineTimeZone?: string } = {}): string {
  const tz = opts.machineTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const L: string[] = [];
  const blank = () => L.push("");

  L.push(
    c("Firebreak: emergency releases for this repository."),
    c("Every key is optional; delete what you do not need and the default applies."),
    c("Secrets never go in this file (it is committed): write env:NAME and set NAME in the"),
    c("environment. Check the file with: firebreak config check"),
  );
  blank();

  L.push(c("The branch production is deployed from; hotfix branches start here."), c(branchReason(d)));
  L.push("production:", `  branch: ${q(d.productionBranch)}`);
  L.push(`  remote: ${q(d.remote ?? "origin")}${d.remote ? "" : "   " + c("no remote found: origin assumed")}`);
  blank();

  L.push(c("Ticket ids (ENG-1234) used in branch names, commits and PR titles: a regular expression."));
  L.push("ticket:", `  pattern: ${q(DEFAULT_TICKET_PATTERN)}`);
  blank();

  L.push(c("The working calendar for deadlines (P2 is due the next business day)."));
  if (tz && tz !== "UTC") L.push(c(`This machine's time zone is ${tz}; set it here if that is where the team works.`));
  L.push(
    "calendar:",
    `  timeZone: 'UTC'            ${c("an IANA name, e.g. Europe/Berlin")}`,
    `  workDays: [1, 2, 3, 4, 5]  ${c("ISO: 1 = Monday … 7 = Sunday")}`,
    `  holidays: []               ${c("e.g. ['2025-12-25', '2026-01-01']")}`,
  );
  blank();

  L.push(c("Where pull requests are opened. type git works offline with plain git; github opens PRs."));
  if (d.forge.type === "github" && d.forge.repo) {
    L.push(c(`Detected: remote ${d.remote ?? "origin"} is on github.com (${d.forge.repo}).`));
    L.push(
      "forge:",
      "  type: github",
      `  repo: ${q(d.forge.repo)}`,
      `  token: env:GITHUB_TOKEN    ${c("read from the environment only when a PR is opened")}`,
      `  # baseUrl: 'https://github.example.com/api/v3'   ${c("GitHub Enterprise only")}`,
    );
  } else {
    L.push(c(d.remoteUrl ? `Detected: remote ${d.remote ?? ""} is not on github.com.` : "Detected: no remote URL."));
    L.push("forge:", "  type: git", "  # type: github", "  # repo: 'owner/name'", "  # token: env:GITHUB_TOKEN");
  }
  blank();

  L.push(c("The project's full checks, run by `firebreak check` before a fix ships (shell commands)."));
  L.push(
    c(
      d.packageManager
        ? `Detected: ${d.packageManager}${d.packageManagerFrom ? ` (from ${d.packageManagerFrom})` : ""}.`
        : "Nothing detected: write your commands.",
    ),
  );
  L.push("checks:");
  for (const kind of ["test", "typecheck", "build"] as const) {
    const cmd = d.checks[kind];
    L.push(cmd ? `  ${kind}: ${q(cmd)}` : `  # ${kind}: '…'   ${c("not detected")}`);
  }
  L.push(`  timeoutSeconds: 600        ${c("per command")}`);
  blank();

  L.push(
    c("What the guard in `firebreak check` allows in a hotfix diff, per priority. Rules: block, warn or off."),
    c("Uncomment to change the defaults (P0 allows 5 files and 150 lines outside tests; P1 8/250; P2 12/400)."),
    "# guard:",
    "#   testPatterns: ['test/**', '**/*.test.*', '**/*_test.*']",
    "#   levels:",
    "#     P0:",
    "#       maxFiles: 5",
    "#       maxLines: 150",
  );
  blank();

  L.push(
    c("Branches the fix is carried to after it ships (cherry-pick + PR per target)."),
    "# backport:",
    "#   targets:",
    "#     - branch: develop",
    "#     - branch: release-candidate",
    "#       short: rc",
  );
  blank();

  L.push(
    c("How to deploy, how to verify production, and whom to tell. Secrets as env:NAME,"),
    c("e.g. a Slack webhook: env:SLACK_WEBHOOK_URL."),
    "# notify: {}",
  );
  blank();
  L.push(
    c("P1, P2 and P3 ship to production only after the fix is deployed to staging and verified there."),
    c("Fill in staging (and production) below, then: firebreak ship --to staging && firebreak verify --env staging."),
    c('Checked staging by hand instead? Record it: firebreak confirm staging-verified --note "what you saw"'),
    "# deploy:",
    "#   staging: { type: command, command: './scripts/deploy staging' }",
    "# verify:",
    "#   baseUrl: { staging: 'https://staging.example.com', production: 'https://example.com' }",
    "#   smoke:",
    "#     - { name: health, url: /health, expectStatus: 200 }",
  );

  if (d.notes.length) {
    blank();
    L.push(c("Notes from detection:"), ...d.notes.map((n) => c(`- ${n}`)));
  }
  return L.join("\n") + "\n";
}

// Every error Firebreak expects, defined once: its code, the exit code it ends a run with, why it
// happens and the usual next step. A call site (or a builder in builders.ts) says what happened —
// the message — and, where the case needs it, a next step or a why in its own words.
//
// `why` and `next` here are what docs/errors.md lists for the code. `shows` names which of them
// are also printed with the error when the call site gives none of its own: only where every site
// prints those very words. The others are worded per case at the site (a ticket, a path, a
// command) and the text here describes them in general, for the docs.
//
// `exits` (only INTERRUPTED) lets a site pick the exit among those listed: which one depends on the
// signal that stopped the run. Every other code always exits with `exit`.
//
// A new code: add it here (the ErrorCode type then accepts it), then run: npm run docs:errors

import { EXIT, type ExitCode } from "./exit.js";

export interface CatalogueEntry {
  exit: ExitCode;
  /** The exits a site may choose instead of `exit`. */
  exits?: readonly ExitCode[];
  why: string;
  next: string;
  /** Printed with the error when the call site gives none of its own. */
  shows?: readonly ("why" | "next")[];
}

export const CATALOGUE = {
  // ── Anywhere ──────────────────────────────────────────────────────────────────────────────
  UNEXPECTED: {
    exit: EXIT.unexpected,
    why: "Something failed that Firebreak did not expect: a bug, or a failure nobody has seen yet.",
    next: "run the same command with --debug and report the output",
  },
  EVENT_INVALID: {
    exit: EXIT.unexpected,
    why: "Every timeline event must match its entry in the event catalogue (src/domain/events); one did not, so it was not written.",
    next: "run the command again with --debug and report it: this is a bug in Firebreak",
    shows: ["why", "next"],
  },
  USAGE: {
    exit: EXIT.usage,
    why: "A flag or argument is wrong, missing, or contradicts another; nothing was done.",
    next: "the message names the flag; the command's --help lists them all",
  },
  MISSING_INPUT: {
    exit: EXIT.usage,
    why: "The command needs a value it would ask for, but stdin is not a terminal, so nobody can be asked.",
    next: "pass the flag named in the message",
  },
  INTERRUPTED: {
    exit: EXIT.interrupted,
    // 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP: a supervisor tells them apart by the code.
    exits: [EXIT.hungUp, EXIT.interrupted, EXIT.terminated],
    why: "A signal stopped the run: the running commands were stopped, nothing new started, what was interrupted is on the timeline and the locks are released.",
    next: "the same command again (the message names it): a step recorded as done is not repeated",
  },
  UNSAFE_VALUE: {
    exit: EXIT.usage,
    why: "Values from tickets, titles and branch names are never passed where git could read them as options or commands.",
    next: "use a value without a leading -, control characters or shell syntax",
    shows: ["why"],
  },
  DEMO_STEP_FAILED: {
    exit: EXIT.unexpected,
    why: "A step of `firebreak demo` failed; the sandbox is kept with its record and logs.",
    next: "cd into the sandbox's api folder (the message names it) and run: firebreak status",
  },

  // ── The repository and the incident ───────────────────────────────────────────────────────
  NOT_A_REPO: {
    exit: EXIT.refused,
    why: "Firebreak works in a git repository and keeps the record in its .git/firebreak/, shared by its worktrees.",
    next: "cd into your project's checkout, or run: git init",
    shows: ["next"],
  },
  DIRTY_TREE: {
    exit: EXIT.refused,
    why: "Carrying unrelated edits into a hotfix makes the fix larger than it is.",
    next: "commit what belongs on the production branch (a new .firebreak.yml, say), then: git stash push --include-untracked   # and run the same firebreak command again",
    shows: ["why", "next"],
  },
  UNKNOWN_BASE: {
    exit: EXIT.refused,
    why: "A hotfix must start from what is in production.",
    next: "git ls-remote --heads <remote>   # then set production.branch in .firebreak.yml, or pass --base",
    shows: ["why"],
  },
  BAD_TICKET: {
    exit: EXIT.usage,
    why: "The ticket id names the incident, its branch and its record; it must match ticket.pattern.",
    next: 'firebreak start ENG-1234 "<title>" --priority P1   # or set ticket.pattern in .firebreak.yml',
    shows: ["next"],
  },
  TICKET_IN_PROGRESS: {
    exit: EXIT.refused,
    why: "An incident is started once; a second start would fork its branch and record.",
    next: "firebreak status <ticket>",
  },
  NO_INCIDENT: {
    exit: EXIT.refused,
    why: "The command works on an incident, and none matches.",
    next: 'firebreak list   # or start one: firebreak start ENG-1234 "<title>" --priority P1',
    shows: ["next"],
  },
  WHICH_INCIDENT: {
    exit: EXIT.usage,
    why: "Several incidents are in progress and the checked-out branch belongs to none of them, so the command cannot tell which one is meant.",
    next: "name one: firebreak status <ticket>",
  },
  CONFIG_NOT_ON_PRODUCTION: {
    exit: EXIT.refused,
    why: "Every step reads the config from the branch it runs on; nothing was started.",
    next: "push .firebreak.yml to the production branch, then the same firebreak start again; or carry it on the hotfix branch: add --carry-config",
    shows: ["why"],
  },
  INCIDENT_SHIPPED: {
    exit: EXIT.refused,
    why: "The incident's fix is already merged and deployed; a change now would land on a merged branch and never reach production.",
    next: 'firebreak start <NEW-TICKET> "<what is still broken>"   # or, to go on with this one: the same command with --reopen',
  },
  PERSON_REQUIRED: {
    exit: EXIT.refused,
    why: "An agent or a service may propose and prepare, but approvals, waivers and the confirmation of a merge, deploy or rollback come from a person.",
    next: "ask a person to do it: firebreak approve / firebreak waive / the plan's confirmation, with their own identity",
    shows: ["why", "next"],
  },
  NOT_WAIVABLE: {
    exit: EXIT.refused,
    why: "Only a P0 may ship without an approval, or without a watch able to catch a regression.",
    next: "firebreak approve --by <reviewer>, or: firebreak ship --dry-run   # the message says which",
  },

  // ── Configuration ─────────────────────────────────────────────────────────────────────────
  CONFIG_INVALID: {
    exit: EXIT.config,
    why: "The configuration does not describe a workflow Firebreak can run; every problem is listed.",
    next: "fix .firebreak.yml, then run: firebreak config check",
  },
  CONFIG_EXISTS: {
    exit: EXIT.refused,
    why: "firebreak init never overwrites a configuration without being told to.",
    next: "firebreak init --force   # to overwrite it, or: firebreak init --stdout",
    shows: ["next"],
  },
  SECRET_REF_INVALID: {
    exit: EXIT.config,
    why: "Names are upper case letters, digits and _ and do not start with a digit.",
    next: "write it as env:NAME, e.g. env:GITHUB_TOKEN",
    shows: ["why", "next"],
  },
  SECRET_MISSING: {
    exit: EXIT.config,
    why: "The configuration reads a secret from an environment variable that is not set, or is empty.",
    next: "export NAME=…   # then run the same firebreak command again",
  },
  TEMPLATE_INVALID: {
    exit: EXIT.config,
    why: "A template of the team's own (.firebreak/templates/) cannot be read or rendered.",
    next: "fix the template the message names, or delete it to use the default",
  },

  // ── git ───────────────────────────────────────────────────────────────────────────────────
  GIT_FAILED: {
    exit: EXIT.external,
    why: "git failed in a way Firebreak does not recognise; its own words are listed.",
    next: "run the git command named in the message to see the whole answer",
  },
  GIT_AUTH: {
    exit: EXIT.external,
    why: "Firebreak never asks for passwords: git runs with terminal prompts off.",
    next: "git ls-remote <remote>   # fix the credential helper, token or ssh key until this works, then run firebreak again",
    shows: ["why"],
  },
  GIT_NETWORK: {
    exit: EXIT.external,
    why: "git could not reach the remote.",
    next: "git ls-remote <remote>   # check the network, VPN or proxy, then run firebreak again",
  },
  PUSH_REJECTED: {
    exit: EXIT.refused,
    why: "Firebreak never force-pushes.",
    next: "git fetch <remote> && firebreak status",
    shows: ["why"],
  },
  BRANCH_EXISTS: {
    exit: EXIT.refused,
    why: "Firebreak does not reuse or overwrite a branch it did not make.",
    next: "git log --oneline -5 <branch>   # then: firebreak status",
  },
  TAG_EXISTS: {
    exit: EXIT.refused,
    why: "Firebreak never moves a tag: people, caches and deploys may already use it.",
    next: "git show <tag>   # see what it is; then pick another version: firebreak ship --tag <version>",
  },
  UNKNOWN_REMOTE_BRANCH: {
    exit: EXIT.refused,
    why: "The remote has no branch of that name.",
    next: "git ls-remote --heads <remote>",
  },
  UNKNOWN_REMOTE: {
    exit: EXIT.refused,
    why: "The remote named (in .firebreak.yml or a flag) is not configured in this repository.",
    next: "git remote -v   # then use one of the names it lists",
    shows: ["next"],
  },
  UNKNOWN_REVISION: {
    exit: EXIT.refused,
    why: "git does not know that revision: it was not fetched, or the name is wrong.",
    next: "git fetch <remote>   # then check the name with: git log --oneline -1 <revision>",
  },
  REMOTE_REPO_MISSING: {
    exit: EXIT.external,
    why: "The repository behind the remote does not exist or is not visible to you.",
    next: "git remote get-url <remote>   # check the URL, then: git ls-remote <remote>",
  },
  UNSAFE_TRANSPORT: {
    exit: EXIT.refused,
    why: "Transports such as ext:: run programs named in the URL.",
    next: "git remote -v   # then: git remote set-url <remote> https://…",
    shows: ["why"],
  },

  // ── The forge: pull requests and approvals ────────────────────────────────────────────────
  FORGE_NO_TOKEN: {
    exit: EXIT.config,
    why: "Looked at forge.token, GITHUB_TOKEN, GH_TOKEN and `gh auth token`.",
    next: "export GITHUB_TOKEN=…   # or: gh auth login   (or set forge.type: git to work offline)",
    shows: ["why", "next"],
  },
  FORGE_NO_REPO: {
    exit: EXIT.config,
    why: "The remote is not on GitHub and forge.repo is not set, so the repository is unknown.",
    next: "set forge.repo: owner/name in .firebreak.yml",
    shows: ["next"],
  },
  FORGE_UNREACHABLE: {
    exit: EXIT.external,
    why: "GitHub did not answer; the request may or may not have reached it.",
    next: "check the network (or forge.baseUrl), then run the same firebreak command again: it picks up where it stopped",
    shows: ["next"],
  },
  FORGE_RATE_LIMITED: {
    exit: EXIT.external,
    why: "Firebreak waited and retried as GitHub asked; the limit has not lifted yet.",
    next: "wait the seconds the message names, then run the same firebreak command again",
    shows: ["why"],
  },
  FORGE_AUTH: {
    exit: EXIT.external,
    why: "GitHub refused the token (HTTP 401): it is wrong, expired or revoked.",
    next: "gh auth login   # or export GITHUB_TOKEN with a valid token",
    shows: ["next"],
  },
  FORGE_FORBIDDEN: {
    exit: EXIT.external,
    why: "It needs Pull requests: write and Issues: write (labels) on this repository.",
    next: "use a token with those permissions (GITHUB_TOKEN or gh auth refresh -s repo), then run the same command again",
    shows: ["why", "next"],
  },
  FORGE_NOT_FOUND: {
    exit: EXIT.external,
    why: "The repository is wrong, or the token cannot see it (GitHub answers 404 for both).",
    next: "check forge.repo in .firebreak.yml (owner/name) and the token's access",
    shows: ["why", "next"],
  },
  FORGE_VALIDATION: {
    exit: EXIT.external,
    why: "GitHub rejected a value Firebreak sent (HTTP 422); its reasons are listed.",
    next: "read the details below; fix the value in .firebreak.yml or the command line, then run again",
    shows: ["next"],
  },
  FORGE_UNAVAILABLE: {
    exit: EXIT.external,
    why: "GitHub failed on its side (HTTP 5xx, or an answer Firebreak does not expect).",
    next: "run the same firebreak command again in a minute: nothing is done twice",
    shows: ["next"],
  },
  REVIEWER_NOT_COLLABORATOR: {
    exit: EXIT.external,
    why: "GitHub asks for reviews only from people with access to the repository.",
    next: "pass --reviewer with logins that have access to the repository",
    shows: ["next"],
  },
  REVIEWER_IS_AUTHOR: {
    exit: EXIT.external,
    why: "GitHub does not let the author of a pull request review it.",
    next: "pass --reviewer with someone else's login",
    shows: ["next"],
  },
  PR_NOT_MERGEABLE: {
    exit: EXIT.blocked,
    why: "Branch protection, failing required checks, missing approvals or a conflict.",
    next: "firebreak status   # see what is missing, fix it, then run the same command again",
    shows: ["why", "next"],
  },
  PR_CONFLICT: {
    exit: EXIT.conflict,
    why: "The branch moved since it was checked, or it conflicts with the base.",
    next: "git fetch && git rebase the hotfix branch onto the base, push, then run the same command again",
    shows: ["why", "next"],
  },
  MERGE_CONFLICT: {
    exit: EXIT.conflict,
    why: "The hotfix branch does not merge cleanly into the base (the offline forge merges with git).",
    next: "git rebase <remote>/<base>   # on the hotfix branch, then run the same command again",
  },
  PR_NOT_FOUND: {
    exit: EXIT.refused,
    why: "The record has no pull request of that number.",
    next: "firebreak pr   # or, for a backport: firebreak backport --plan",
  },
  PR_CLOSED: {
    exit: EXIT.refused,
    why: "The pull request is no longer open (or targets another branch), so Firebreak will not update it.",
    next: "reopen it on the forge, then run: firebreak pr",
  },
  PR_MERGED: {
    exit: EXIT.refused,
    why: "firebreak ship merged the pull request; a merged pull request cannot change any more.",
    next: "firebreak status <ticket>",
  },
  NO_BRANCH: {
    exit: EXIT.refused,
    why: "The hotfix branch is not in this checkout, so there is nothing to open a pull request from.",
    next: "git fetch <remote> <branch>",
  },
  NO_PR: {
    exit: EXIT.refused,
    why: "The incident has no pull request to approve yet.",
    next: "firebreak pr",
    shows: ["next"],
  },
  APPROVE_ON_FORGE: {
    exit: EXIT.refused,
    why: "The pull request is on GitHub, and approvals are read from there: one recorded here would not count.",
    next: "approve it on GitHub (the message has the link)",
  },
  NO_FIX_COMMIT: {
    exit: EXIT.refused,
    why: "A pull request carries the fix for review; the hotfix branch has no commit beyond its base yet, so there is nothing to review.",
    next: 'git add -A && firebreak commit --what "…" --root-cause "…"   # then the same firebreak command again',
    shows: ["why", "next"],
  },

  // ── Ship: gate, locks, release, deploy ────────────────────────────────────────────────────
  GATE_BLOCKED: {
    exit: EXIT.blocked,
    why: "An item of the gate for this environment is unmet; every one is listed with what would meet it.",
    next: "the command for the first unmet item (the message names it), or: firebreak status",
  },
  LOCKED: {
    exit: EXIT.refused,
    why: "Two runs at once could merge, tag or deploy over each other.",
    next: "wait for the other run to finish; if it is gone for good: firebreak unlock <id>",
    shows: ["why"],
  },
  LOCK_STILL_HELD: {
    exit: EXIT.refused,
    why: "Releasing the lock of a run that is still working would let a second run start beside it: two merges, two deploys.",
    next: "let it finish or stop it; firebreak unlock <id> --force only when its process is not Firebreak's",
    shows: ["why", "next"],
  },
  NO_SUCH_LOCK: {
    exit: EXIT.refused,
    why: "No lock of that id is held.",
    next: "firebreak unlock   # lists the locks held",
    shows: ["next"],
  },
  LEASE_LOST: {
    exit: EXIT.refused,
    why: "Another run took the lock over (this one was thought gone); two runs writing the same record could deploy twice.",
    next: "firebreak unlock   # shows who holds it now; run the command again once that run has finished",
    shows: ["why", "next"],
  },
  RELEASE_TAGGED: {
    exit: EXIT.refused,
    why: "The incident is already being released under another tag; a second tag would release the same fix twice.",
    next: "firebreak ship --to <env>",
  },
  ROLLED_BACK_NO_NEW_FIX: {
    exit: EXIT.refused,
    why: "The release was rolled back and the hotfix branch has no new commit: shipping now would release the same fix again.",
    next: "fix it on the hotfix branch, then: firebreak commit, firebreak pr, then: firebreak ship",
  },
  PR_ALREADY_MERGED: {
    exit: EXIT.refused,
    why: "Merging it again would tag and deploy the earlier merge, not the new commits.",
    next: "firebreak pr   # a pull request for the new commits; then: firebreak ship",
    shows: ["why", "next"],
  },
  PRODUCTION_MISSING_FIX: {
    exit: EXIT.refused,
    why: "Tagging or deploying now would ship code without the fix.",
    next: "git log --oneline <remote>/<base> -5   # then the same command again",
    shows: ["why"],
  },
  DEPLOY_STILL_RUNNING: {
    exit: EXIT.refused,
    why: "A deploy started by an earlier run is still running; starting another beside it could deploy twice.",
    next: "wait for it to end, then the same command again   (to stop it instead: kill -TERM -<process group>)",
  },
  NOTHING_TO_CONFIRM: {
    exit: EXIT.usage,
    why: "--confirm-deployed answers for an interrupted deploy, and none is waiting.",
    next: "the ship command the message names",
  },
  DEPLOYER_MISSING: {
    exit: EXIT.external,
    why: "The deploy platform's command-line tool is not installed or not on PATH.",
    next: "install the platform's CLI, then run the same firebreak command again",
  },
  DEPLOY_FAILED: {
    exit: EXIT.external,
    why: "The deploy command failed or timed out; the end of its log is listed and the whole log is kept.",
    next: "fix the cause, then run the same firebreak command again: what was done is not repeated",
    shows: ["next"],
  },
  DEPLOY_OUTPUT: {
    exit: EXIT.external,
    why: "The deploy succeeded but did not say what it deployed, so it cannot be recorded or rolled back.",
    next: "check the deploy on Netlify; run the same command again to record it",
    shows: ["next"],
  },

  // ── Rollback ──────────────────────────────────────────────────────────────────────────────
  NOTHING_SHIPPED: {
    exit: EXIT.refused,
    why: "The incident has not been deployed to production, so there is nothing to roll back.",
    next: "firebreak status <ticket>",
  },
  ALREADY_ROLLED_BACK: {
    exit: EXIT.refused,
    why: "Rolling back again would deploy again under a new key; production is not running the release any more.",
    next: "firebreak status <ticket>",
    shows: ["why"],
  },
  ROLLBACK_NOT_LATEST: {
    exit: EXIT.refused,
    why: "Another incident deployed to production after this incident's release: going back to the release before this one (or redeploying this one) would undo that incident's deploy too.",
    next: "firebreak rollback <newer incident>   # first; or revert only this incident's merge: firebreak rollback <ticket> --strategy revert",
  },
  NO_DEPLOYER: {
    exit: EXIT.config,
    why: "A rollback deploys, and no production deployer is configured.",
    next: "add deploy.production to .firebreak.yml, then run the same command again",
    shows: ["next"],
  },
  NO_PREVIOUS: {
    exit: EXIT.refused,
    why: "There is no earlier release to go back to, and the deployer has no rollback of its own.",
    next: "firebreak rollback --strategy revert",
    shows: ["next"],
  },
  NO_PREVIOUS_DEPLOY: {
    exit: EXIT.refused,
    why: "The platform has no earlier production deploy to restore.",
    next: "firebreak rollback --strategy revert",
    shows: ["next"],
  },
  PREVIOUS_NOT_FOUND: {
    exit: EXIT.refused,
    why: "The previous release's commit is not here, and deploying another commit under its name would be wrong.",
    next: "git fetch --tags <remote>   # if the tag should be there; else: firebreak rollback --strategy revert",
  },
  NO_FLAG: {
    exit: EXIT.config,
    why: "A flag rollback turns a feature flag off, and none is configured.",
    next: "set rollback.flag.command or rollback.flag.env in .firebreak.yml, or: firebreak rollback --strategy revert",
    shows: ["next"],
  },
  FLAG_FAILED: {
    exit: EXIT.external,
    why: "The feature-flag command failed; its log is kept.",
    next: "fix it, then run: firebreak rollback --strategy flag",
    shows: ["next"],
  },
  REVERT_CONFLICT: {
    exit: EXIT.conflict,
    why: "Later commits changed the same lines, so the merge does not revert cleanly.",
    next: "firebreak rollback --strategy previous   # or revert by hand",
    shows: ["next"],
  },

  // ── Verify ────────────────────────────────────────────────────────────────────────────────
  VERIFY_NOTHING: {
    exit: EXIT.config,
    why: "A deploy is verified by smoke tests (expected answers) and metrics compared with before the deploy.",
    next: "add verify.smoke and verify.metrics to .firebreak.yml (docs/verify.md has examples), then: firebreak verify",
    shows: ["why"],
  },
  VERIFY_NO_BASE_URL: {
    exit: EXIT.config,
    why: "A smoke test or metric names a path, and verify.baseUrl has no URL for the environment to put before it.",
    next: "add verify.baseUrl.production (and .staging) to .firebreak.yml, e.g. https://api.example.com",
    shows: ["next"],
  },
  VERIFY_BASELINE_FAILED: {
    exit: EXIT.external,
    why: 'A scrape or json source shows only "now": after the deploy it is too late to measure the time before it. Nothing was deployed.',
    next: "check that the source answers, then run the same command again (or set verify.metrics[].baseline.fraction to compare with an objective)",
    shows: ["why"],
  },
  VERIFY_STALE_BASELINE: {
    exit: EXIT.refused,
    why: "Traffic and errors change through the day; an old sample would make a healthy deploy look like a regression, or hide one.",
    next: "before the next deploy: firebreak verify --capture-baseline   # or set verify.metrics[<n>].baseline.fraction (e.g. 0.001)",
    shows: ["why"],
  },
  VERIFY_NO_BASELINE: {
    exit: EXIT.refused,
    why: "Nothing measured before the deploy can be compared with: the window before it had no data, or the source keeps no history and no sample was taken.",
    next: "before the next deploy: firebreak verify --capture-baseline   # or widen baseline.minutes, or set verify.metrics[<n>].baseline.fraction",
  },
  VERIFY_QUERY_INVALID: {
    exit: EXIT.config,
    why: "Prometheus refused a configured query, or it does not return series of counters.",
    next: "try the query in Prometheus' expression browser, fix .firebreak.yml, then run the same command again",
  },
  VERIFY_NO_BUCKET: {
    exit: EXIT.config,
    why: "Requests over the objective are counted exactly from the bucket whose le is the objective.",
    next: "set objectiveMs to one of the buckets the message lists",
  },
  VERIFY_NO_SERIES: {
    exit: EXIT.config,
    why: "The scraped page has no series of the configured name.",
    next: "use one of the names the message lists, or check the URL serves Prometheus text (curl it)",
  },
  VERIFY_SENTRY_AUTH: {
    exit: EXIT.external,
    why: "Sentry refused the token.",
    next: "give the token the org:read and event:read scopes, then run the same command again",
    shows: ["next"],
  },
  VERIFY_SENTRY_QUERY: {
    exit: EXIT.config,
    why: "Sentry refused the configured query: an org, project or project id is wrong.",
    next: "check verify.metrics org, project and projectId in .firebreak.yml",
    shows: ["next"],
  },

  // ── Announce ──────────────────────────────────────────────────────────────────────────────
  NO_CHANNELS: {
    exit: EXIT.config,
    why: "notify in .firebreak.yml configures no channel to announce on.",
    next: "add notify.slack (or teams, statuspage, staticPage, email, webhook) to .firebreak.yml; see it first with: firebreak announce --preview",
    shows: ["next"],
  },
  CHANNEL_NOT_CONFIGURED: {
    exit: EXIT.config,
    why: "--channel names a channel that notify in .firebreak.yml does not configure.",
    next: "add notify.<channel> to .firebreak.yml (see docs/announce.md), or leave it out of --channel",
  },
  NO_RECIPIENTS: {
    exit: EXIT.config,
    why: "An e-mail announcement needs at least one valid address.",
    next: "fill notify.email.to or the file named by notify.email.recipientsFile",
    shows: ["next"],
  },
  RECIPIENTS_UNREADABLE: {
    exit: EXIT.config,
    why: "The recipients file cannot be read, or is over 10 MB.",
    next: "check notify.email.recipientsFile in .firebreak.yml (a path from the repository root)",
  },
  NOTIFY_FAILED: {
    exit: EXIT.external,
    why: "A channel (Slack, Teams, a status page, a webhook, e-mail) refused the message or did not answer.",
    next: "the message says what to check; run the same command again: a message already sent is not sent twice",
  },
  STATUS_PAGE_INVALID: {
    exit: EXIT.external,
    why: "The static status page's status.json is not valid JSON, so it cannot be updated.",
    next: "fix or move the file, then run the same command again",
    shows: ["next"],
  },
  STATUS_PAGE_CHANGED: {
    exit: EXIT.external,
    why: "Another writer changed the status page's folder during the update, so it is not recorded as published.",
    next: "run the same command again",
    shows: ["next"],
  },

  // ── Backport ──────────────────────────────────────────────────────────────────────────────
  NO_FIX_COMMITS: {
    exit: EXIT.refused,
    why: "Backport carries the hotfix's commits; there is nothing to carry yet.",
    next: "firebreak commit   # or name them: firebreak backport --commit <sha>",
    shows: ["why"],
  },
  CONFLICT_MARKERS: {
    exit: EXIT.conflict,
    why: "A file with <<<<<<< ======= >>>>>>> lines would ship the conflict itself.",
    next: "firebreak backport --continue   # after removing the markers in the files listed",
    shows: ["why"],
  },
  BACKPORT_RESOLVED: {
    exit: EXIT.refused,
    why: "That commit is a person's conflict resolution; it exists nowhere else.",
    next: "push it and open the PR (the message names the commands); to drop it anyway, the command it names",
    shows: ["why"],
  },

  // ── Review and follow-ups ─────────────────────────────────────────────────────────────────
  TRACKER_CONFIG: {
    exit: EXIT.config,
    why: "Follow-ups are opened in one Linear team.",
    next: "set tracker.teamId in .firebreak.yml (Linear: Settings → Teams → the team → copy its id)",
    shows: ["why", "next"],
  },
  TRACKER_NO_TOKEN: {
    exit: EXIT.config,
    why: "Looked at tracker.token and LINEAR_API_KEY.",
    next: "export LINEAR_API_KEY=…   # or set tracker.token: env:NAME",
    shows: ["why", "next"],
  },
  TRACKER_AUTH: {
    exit: EXIT.external,
    why: "Linear refused the API key.",
    next: "export the Linear API key named by tracker.token (e.g. LINEAR_API_KEY), then run the same command again",
  },
  TRACKER_REFUSED: {
    exit: EXIT.external,
    why: "Linear answered but did not do what was asked.",
    next: "check tracker.teamId in .firebreak.yml, then run the same command again",
  },
  TRACKER_UNREACHABLE: {
    exit: EXIT.external,
    why: "Linear did not answer; the request may or may not have reached it.",
    next: "check tracker.teamId and the network, then run the same firebreak command again: nothing is done twice",
  },

  // ── The record and the effect journal ─────────────────────────────────────────────────────
  STORE_UNAVAILABLE: {
    exit: EXIT.external,
    why: "The database holding the record cannot be opened or reached.",
    next: "check the SQLite file's path and permissions, or FIREBREAK_DATABASE_URL and that PostgreSQL answers there: pg_isready -h HOST -p PORT",
  },
  STORE_READ_ONLY: {
    exit: EXIT.refused,
    why: "Reading commands (status, list, log) work on a read-only record; this one needs to write.",
    next: "run it where the record is writable, or as the user who owns it",
    shows: ["why"],
  },
  STORE_DAMAGED: {
    exit: EXIT.integrity,
    why: "Every incident, its timeline and its effect journal live in this file; Firebreak never overwrites or silently replaces a damaged record.",
    next: "restore it from a backup; or keep it as evidence and start an empty record: mv <file> <file>.damaged",
    shows: ["why"],
  },
  STORE_TOO_NEW: {
    exit: EXIT.refused,
    why: "A newer firebreak wrote it; an older one could misread the record.",
    next: "upgrade firebreak (npm install -g firebreak@latest)",
    shows: ["why", "next"],
  },
  STORE_BAD_SCHEMA: {
    exit: EXIT.usage,
    why: "The PostgreSQL schema name is used in SQL, so only letters, digits and _ are accepted.",
    next: "pick a schema name of letters, digits and _, not starting with a digit",
  },
  TIMELINE_TAMPERED: {
    exit: EXIT.integrity,
    why: "Each event carries the hash of the one before it; an edited, deleted or reordered row breaks the chain.",
    next: "restore the database from a backup, or keep it as evidence",
    shows: ["why", "next"],
  },
  EFFECT_POSSIBLY_DONE: {
    exit: EXIT.refused,
    why: "Doing it again could do it twice.",
    next: "check the outside system (the message says how), then confirm or redo the step as the message says",
    shows: ["why"],
  },
  EFFECT_EXISTS: {
    exit: EXIT.refused,
    why: "Recording a second intent would let the same side effect happen twice.",
    next: "read it with getEffect and reconcile, instead of starting it again",
    shows: ["why", "next"],
  },
  EFFECT_UNKNOWN: {
    exit: EXIT.unexpected,
    why: "An outcome is only recorded after its intent; this is a bug in the step that asked.",
    next: "run again with --debug and report it",
    shows: ["why", "next"],
  },
  EFFECT_DONE: {
    exit: EXIT.refused,
    why: "A done effect's stored result is what every later run returns; changing it could repeat the effect.",
    next: "read the stored result instead of recording another",
    shows: ["why"],
  },
  // ── The team server ───────────────────────────────────────────────────────────────────────
  SERVER_UNAUTHENTICATED: {
    exit: EXIT.refused,
    why: "The team server answers only requests that carry a valid token (Authorization: Bearer …); this one had none, or its token is unknown, expired or revoked.",
    next: "ask an admin for a token: firebreak token create --name <you> --role responder",
    shows: ["why", "next"],
  },
  SERVER_FORBIDDEN: {
    exit: EXIT.refused,
    why: "The token's role or incident scope does not allow this request; nothing was done.",
    next: "ask an admin for a token with the role the request needs (firebreak token create --role …)",
    shows: ["why"],
  },
  SERVER_RATE_LIMITED: {
    exit: EXIT.refused,
    why: "This token sent more requests in the last minute than the server accepts from one token.",
    next: "wait the seconds in Retry-After, then send the request again",
    shows: ["why", "next"],
  },
  SERVER_BODY_TOO_LARGE: {
    exit: EXIT.usage,
    why: "The request body is larger than the server accepts; nothing was read or done.",
    next: "send a shorter body (a note is a few sentences; attach logs elsewhere and link them)",
    shows: ["why", "next"],
  },
  SERVER_NOT_FOUND: {
    exit: EXIT.refused,
    why: "No such route or object on the team server, or the token may not see it.",
    next: "GET /openapi.json lists the routes; GET /incidents lists the incidents this token may see",
    shows: ["why", "next"],
  },
  SERVER_UNREACHABLE: {
    exit: EXIT.external,
    why: "This clone keeps its record on a team server (firebreak login), and the server did not answer.",
    next: 'check the server (firebreak whoami); a step that cannot wait: the same command with --offline --reason "why", uploaded when the server answers',
    shows: ["why", "next"],
  },
  DASHBOARD_FORM_REFUSED: {
    exit: EXIT.refused,
    why: "A dashboard form must come from the dashboard's own page: its Origin names this server and it carries the session's CSRF token. Nothing was done.",
    next: "reload the dashboard page and send the form again",
    shows: ["why", "next"],
  },
  AUDIT_TAMPERED: {
    exit: EXIT.integrity,
    why: "An audit entry was edited, deleted or moved after it was written: its hash no longer matches the chain.",
    next: "restore the database from a backup and compare; firebreak audit lists the entries",
    shows: ["why", "next"],
  },
  SLACK_SIGNATURE_INVALID: {
    exit: EXIT.refused,
    why: "A request to the Slack endpoints must carry Slack's signature over its timestamp and body, made within five minutes and never sent before; this one did not.",
    next: "check that FIREBREAK_SLACK_SIGNING_SECRET is the app's signing secret (Slack app → Basic Information)",
    shows: ["why", "next"],
  },
  SLACK_NOT_LINKED: {
    exit: EXIT.refused,
    why: "A Slack user acts as the Firebreak person linked to them; without a link (or with a revoked token) they may only read.",
    next: "ask an operator for a code (firebreak slack link-code --name <you>), then /firebreak link <code>",
    shows: ["why", "next"],
  },
  SLACK_LINK_CODE_INVALID: {
    exit: EXIT.refused,
    why: "A link code works once, for fifteen minutes, and only while its token is active.",
    next: "ask an operator for a new code: firebreak slack link-code --name <you>",
    shows: ["why", "next"],
  },
  SERVER_LISTEN_FAILED: {
    exit: EXIT.refused,
    why: "The server could not listen on the host and port asked for: another process holds the port, or this user may not use it; nothing was started.",
    next: "firebreak serve --port <another port>   # or --port 0 for any free one",
    shows: ["why", "next"],
  },
  TOKEN_NAME_TAKEN: {
    exit: EXIT.refused,
    why: "A token's name is who its writes are recorded as: two live tokens of one name in a team could not be told apart on the timeline or in the audit log; nothing was created.",
    next: "firebreak token list   # then revoke the live token of that name first (firebreak token revoke <id>), or choose another --name",
    shows: ["why"],
  },
  SERVER_NO_DATABASE: {
    exit: EXIT.refused,
    why: "The token and audit commands work on the database of an existing team server; creating an empty one here would leave the real server's tokens untouched.",
    next: "firebreak serve --init-admin --data <file>   # or pass the --data of the server's database",
    shows: ["why"],
  },
  PLAN_UNKNOWN: {
    exit: EXIT.refused,
    why: "A plan is applied or confirmed by the id its *_plan call returned, on the incident it was made for.",
    next: "make the plan again (the *_plan tool) and use the id it returns",
    shows: ["why", "next"],
  },
  PLAN_STALE: {
    exit: EXIT.refused,
    why: "The world changed since the plan was made (the hotfix branch moved or the incident has new events): applying it would do something nobody reviewed.",
    next: "make the plan again with the *_plan tool, and have it confirmed again if it needs a person",
    shows: ["why", "next"],
  },
  PLAN_UNCONFIRMED: {
    exit: EXIT.refused,
    why: "A merge, deploy or rollback an agent planned needs a person's confirmation before it is applied.",
    next: "a person runs: firebreak confirm-plan <id> (or accepts the confirmation the agent's client shows), then apply again",
    shows: ["why", "next"],
  },
  PLAN_APPLIED: {
    exit: EXIT.refused,
    why: "A plan is applied once: applying it again could repeat an irreversible step.",
    next: "read the incident's status; make a new plan if there is more to do",
    shows: ["why", "next"],
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Every error code Firebreak uses: a code not in the catalogue does not compile. */
export type ErrorCode = keyof typeof CATALOGUE;

/** The codes whose exit a call site chooses (among the entry's `exits`). */
export type ExitChosenCode = { [C in ErrorCode]: (typeof CATALOGUE)[C] extends { exits: readonly ExitCode[] } ? C : never }[ErrorCode];

export const entryOf = (code: ErrorCode): CatalogueEntry => CATALOGUE[code];

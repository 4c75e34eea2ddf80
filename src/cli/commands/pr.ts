// firebreak pr [--draft] [--reviewer x] [--dry-run]: push, labels, and the PR that writes itself.
// Run again, it brings the same PR up to date; it never opens a second one.

import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { refuseIfShipped } from "../../workflow/shipped.js";
import { applyPullRequest, planPullRequest, recordApproval, type PrDeps } from "../../workflow/pr.js";
import { hotfixHead } from "../../workflow/gate.js";
import type { Incident } from "../../domain/types.js";
import { E } from "../../errors.js";
import { refuseUnlessAllowed } from "../../app/role-check.js";
import { writeRule } from "../../domain/access.js";
import { splitList } from "../format.js";
import type { Output } from "../output.js";

async function prDeps(app: App, out: Output): Promise<PrDeps> {
  const base = await app.effectDeps();
  const config = await app.config();
  const forge = await app.adapters.forge({ log: (l) => out.info(l) });
  return { ...base, git: app.git, forge, config, repoRoot: await app.repoRoot(), progress: (m) => out.info(m) };
}

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const found = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  // Nothing is pushed for a shipped incident; --dry-run only shows, so it may look.
  const incident = opts.dryRun ? found : await refuseIfShipped(app, found, "pr", Boolean(opts.reopen));
  const deps = await prDeps(app, out);
  const reviewers = Array.isArray(opts.reviewer) ? (opts.reviewer as string[]).flatMap((r) => splitList(r)) : [];
  const plan = await planPullRequest(deps, incident, { draft: Boolean(opts.draft), reviewers });

  if (opts.dryRun) {
    out.data({
      dryRun: true,
      title: plan.title,
      labels: plan.labels.map((l) => l.name),
      body: plan.body,
      head: plan.head,
      base: plan.base,
    });
    out.line(`Plan for ${incident.ticket}'s pull request: nothing has been pushed or opened.`);
    out.fields([
      ["title", plan.title],
      ["labels", plan.labels.map((l) => l.name).join(", ")],
      ["head → base", `${plan.head} → ${plan.base}`],
    ]);
    out.line("");
    out.line(plan.body);
    out.next("run the same command without --dry-run");
    return 0;
  }

  const result = await applyPullRequest(deps, plan);
  out.data(result);
  out.success(
    `${result.opened ? "Opened" : "Updated"} ${deps.forge.kind === "git" ? "the pull request record" : "pull request"} #${result.pr.number}: ${result.pr.title}`,
  );
  out.fields([
    ["where", result.pr.url],
    ["labels", result.pr.labels.join(", ")],
    ...(result.reviewersRequested.length ? ([["reviewers", result.reviewersRequested.join(", ")]] as Array<[string, string]>) : []),
  ]);
  // Scraped metrics show only "now": start sampling production's "before" while the fix is reviewed,
  // so ship does not have to wait for it.
  const { startSampler } = await import("../../workflow/baseline-sampler.js");
  const sampler = await startSampler(app, "production", process.argv[1]);
  if (sampler.started)
    out.info(
      `Sampling production's baseline in the background (pid ${sampler.pid}) for the watch after the deploy; ship takes it and stops the sampling.`,
    );
  out.next(approvalNext(incident, deps.forge.kind));
  return 0;
}

function approvalNext(incident: Incident, forge: string): string {
  const approve = forge === "git" ? "firebreak approve --by <reviewer>" : "ask a reviewer to approve it on the forge";
  return incident.priority === "P0" ? `${approve}   # or, for a P0: firebreak waive approval --reason "…"` : approve;
}

/** firebreak approve --by NAME [--note]: a review recorded on the offline git forge. */
export async function approve({ app, out, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const by = await approverName(app, typeof opts.by === "string" ? opts.by.trim() : "");
  // A token whose role cannot approve is told so before the forge prints anything.
  await refuseUnlessAllowed(app, writeRule("review.approved"), `firebreak approve --ticket ${incident.ticket}`);
  const deps = await prDeps(app, out);
  if (deps.forge.kind !== "git")
    throw E.usage("Approvals on GitHub are given on the pull request itself.", "open the PR and approve it there, then: firebreak status");
  // The approval is of the commit pushed now: a later fix commit needs its own (the gate says so).
  const sha = await hotfixHead(app, incident).catch(() => undefined);
  const review = await recordApproval(deps, incident, {
    by,
    note: typeof opts.note === "string" ? opts.note : undefined,
    ...(sha ? { sha } : {}),
  });
  out.data({ review });
  const what = `${review.by}'s approval of ${incident.ticket}'s pull request #${review.number}${review.sha ? ` at ${review.sha.slice(0, 12)}` : ""}`;
  if (review.already) out.success(`${what} was already recorded; nothing was added.`);
  else out.success(`Recorded ${what}.`);
  out.next(`firebreak status ${incident.ticket}`);
  return 0;
}

/**
 * Who approves. On a team server the server records the token's holder whatever is sent, so the
 * approval is the logged-in person's own: --by may be left out, and naming someone else is refused
 * rather than printed as if it had been recorded under that name.
 */
async function approverName(app: App, given: string): Promise<string> {
  const who = await app.serverIdentity();
  if (who) {
    // The same name in other letter case is the same person (`--by Dana` for the token dana).
    if (given && given.toLowerCase() !== who.name.toLowerCase())
      throw E.usage(
        `On the team server an approval is the token holder's own: this clone is logged in as ${who.name}, so it cannot record ${given}'s approval.`,
        `firebreak approve   # records ${who.name}'s approval; ${given} approves from their own login`,
      );
    return who.name;
  }
  if (!given) throw E.missingInput("--by <reviewer>", "Who approved it");
  return given;
}

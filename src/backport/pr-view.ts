// What a backport PR's title and body say, from the record and the commits: the original PR and
// the incident it came from, the commits carried, and how they were picked when a looser method
// (a person's resolution, whitespace ignored) deserves a reviewer's attention.

import type { PullRequest } from "../ports/forge.js";
import { readPr } from "../adapters/forge/git-forge.js";
import type { Incident } from "../domain/types.js";
import { renderTemplate } from "../render/template.js";
import { loadTemplate } from "../render/templates/index.js";
import { gitOk } from "./git-run.js";
import type { BackportResult, PickMethod } from "./types.js";

export interface BackportPrView {
  ticket: string;
  title: string;
  priority: string; // "" without an incident
  target: string;
  branch: string;
  originalPr: Pick<PullRequest, "number" | "url" | "head" | "base"> | null;
  incident: { id: string; ticket: string; title: string; priority: string; status: string } | null;
  commits: { sha: string; short: string; subject: string }[];
  how: string; // "" when every commit picked cleanly
  resolved: boolean;
  loose: boolean;
}

const METHOD_TEXT: Record<PickMethod, string> = {
  "merge-tree": "3-way cherry-pick",
  "index-3way": "3-way cherry-pick",
  "patch-3way": "3-way patch (format-patch, apply -3)",
  "patch-ignore-whitespace": "patch with whitespace ignored",
  "worktree-cherry-pick": "cherry-pick following renames",
  resolved: "resolved by a person",
};

export async function buildBackportPrView(
  cwd: string,
  incident: Incident | null,
  ticket: string,
  fixCommits: readonly string[],
  result: BackportResult,
): Promise<BackportPrView> {
  const commits: BackportPrView["commits"] = [];
  for (const sha of fixCommits) {
    const subject = (await gitOk(cwd, ["log", "-1", "--format=%s", "--end-of-options", sha])).trim();
    commits.push({ sha, short: sha.slice(0, 12), subject });
  }
  const methods = result.methods ?? [];
  const loose = methods.filter((m) => m !== "merge-tree" && m !== "index-3way");
  const pr = incident ? readPr(incident) : null;
  return {
    ticket,
    title: incident?.title ?? commits[0]?.subject ?? ticket,
    priority: incident?.priority ?? "",
    target: result.target.branch,
    branch: result.branch,
    originalPr: pr ? { number: pr.number, url: pr.url, head: pr.head, base: pr.base } : null,
    incident: incident
      ? { id: incident.id, ticket: incident.ticket, title: incident.title, priority: incident.priority, status: incident.status }
      : null,
    commits,
    how: [...new Set(loose.map((m) => METHOD_TEXT[m]))].join(", "),
    resolved: methods.includes("resolved"),
    loose: methods.includes("patch-ignore-whitespace"),
  };
}

/** Title and body from the team's templates (.firebreak/templates/backport-pr-*) or the defaults. */
export async function renderBackportPr(repoRoot: string | null, view: BackportPrView): Promise<{ title: string; body: string }> {
  const titleT = await loadTemplate(repoRoot, "backport-pr-title.txt");
  const bodyT = await loadTemplate(repoRoot, "backport-pr-body.md");
  const v = view as unknown as Record<string, unknown>;
  const title = renderTemplate(titleT.text, v, "plain", titleT.source).replace(/\s+/g, " ").trim().slice(0, 256);
  const body = renderTemplate(bodyT.text, v, bodyT.channel, bodyT.source).replace(/\n{3,}/g, "\n\n");
  return { title, body };
}

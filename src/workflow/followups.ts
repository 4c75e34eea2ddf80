// `firebreak followups`: one tracker issue per action item, and the resolution as a comment on the
// incident's ticket. Each is an effect (followup:<action-id>, ticket.comment:resolution), so a
// re-run, or a run after kill -9, opens nothing twice; the links are kept on the record
// (incident data `followups`) and `followups.opened` marks the checklist item.

import type { Incident } from "../domain/types.js";
import type { Tracker } from "../ports/tracker.js";
import { E, FirebreakError } from "../errors.js";
import { escapeFor } from "../render/template.js";
import { redact } from "../redact.js";
import { buildReviewModel, type ReviewModel } from "../review/model.js";
import { readActions, readFollowups, readReviewState, type ActionItem, type FollowupLink } from "../review/types.js";
import { effect, type EffectDeps } from "./effect.js";

export interface FollowupsDeps extends EffectDeps {
  tracker: Tracker;
  progress?: (msg: string) => void;
}

/** An item an interrupted run may have sent, which the tracker cannot be asked about. */
export interface UnconfirmedItem {
  /** A1, A2… or "comment" (the resolution comment) */
  item: string;
  message: string;
  /** Where to look, and the --resend to run when it is not there. */
  settle: string;
}

export interface FollowupsOutcome {
  opened: FollowupLink[]; // this run
  existing: FollowupLink[]; // opened by an earlier run
  comment: { url: string; ref: string; how: "performed" | "replayed" | "reconciled" } | null;
  commentSkipped: string | null;
  /** Possibly sent by an interrupted run and not checkable: held until a person says --resend. */
  unconfirmed: UnconfirmedItem[];
}

/**
 * --resend names, checked against the incident's action ids (and "comment"): a typo must not
 * quietly resend nothing, nor anything else.
 */
export function checkResend(incident: Incident, names: readonly string[]): string[] {
  const ids = readActions(incident).map((a) => a.id);
  const valid = new Map([...ids, "comment"].map((x) => [x.toLowerCase(), x]));
  const unknown = names.filter((n) => !valid.has(n.toLowerCase()));
  if (unknown.length)
    throw E.usage(
      `--resend ${unknown.join(",")}: not an action item of ${incident.ticket} (its items: ${ids.join(", ") || "none"}; or comment).`,
      `firebreak followups --resend ${ids[0] ?? "A1"}   # the ids a person checked and found missing, comma-separated`,
    );
  return names.map((n) => valid.get(n.toLowerCase())!);
}

const unconfirmedOf = (item: string, e: unknown): UnconfirmedItem | null =>
  e instanceof FirebreakError && e.code === "EFFECT_POSSIBLY_DONE"
    ? { item, message: e.message, settle: e.next ?? `firebreak followups --resend ${item}` }
    : null;

const md = (s: string) => escapeFor("markdown", redact(s));

export function followupTitle(incident: Incident, a: ActionItem): string {
  return redact(`[${incident.ticket}] ${a.text}`).replace(/\s+/g, " ").slice(0, 250);
}

export function followupBody(incident: Incident, a: ActionItem): string {
  const review = readReviewState(incident).path;
  return [
    `Follow-up from ${md(incident.ticket)} (${incident.priority}): ${md(incident.title)}`,
    "",
    `- Action: ${md(a.text)}`,
    `- Owner: ${md(a.owner)}`,
    `- Due: ${md(a.due)}`,
    ...(a.kind ? [`- Kind: ${a.kind}`] : []),
    ...(review ? [`- Review: ${md(review)}`] : []),
  ].join("\n");
}

/** The resolution comment for the ticket, from the same model as the review. */
export function resolutionComment(m: ReviewModel, links: FollowupLink[], reviewPath: string | undefined): string {
  const r = m.resolution;
  const lines = [`**Resolved: ${md(m.ticket)} ${md(m.title)}** (${m.priority})`, ""];
  for (const s of m.summaryLines) lines.push(md(s), "");
  if (r.pr) lines.push(`- Pull request #${r.pr.number ?? "?"}${r.pr.url ? ` ${md(r.pr.url)}` : ""}`);
  if (r.tag) lines.push(`- Release ${md(r.tag)}`);
  for (const d of r.deploys) lines.push(`- Deployed to ${md(d.env)}${d.what ? ` (${md(d.what)})` : ""}${d.at ? ` at ${d.at}` : ""}`);
  if (r.verification)
    lines.push(`- Verification: ${md(r.verification.outcome ?? "?")}${r.verification.summary ? `: ${md(r.verification.summary)}` : ""}`);
  for (const x of m.metrics) lines.push(`- ${md(x.name)}: ${x.before} → ${x.after}${x.unit ? ` ${md(x.unit)}` : ""}`);
  for (const b of r.rollbacks) lines.push(`- Rolled back at ${b.at}: ${md(b.summary)}`);
  if (reviewPath) lines.push(`- Post-incident review: ${md(reviewPath)}`);
  if (links.length) {
    lines.push("", "Follow-ups:");
    for (const l of links) lines.push(`- ${md(l.action)}: ${md(l.url)}`);
  }
  return lines.join("\n").trim();
}

/**
 * `resend` names what a person checked and found missing after an interrupted run: action ids
 * (A1, A2) and/or "comment". Only those are sent again. An item that is possibly sent and cannot
 * be checked is listed in `unconfirmed` and the other items go on regardless; the resolution
 * comment (posted once, with every follow-up's link) waits until none is left unsettled.
 */
export async function openFollowups(
  deps: FollowupsDeps,
  incident: Incident,
  opts: { resend?: readonly string[]; comment?: boolean } = {},
): Promise<FollowupsOutcome> {
  const { tracker, store } = deps;
  const say = deps.progress ?? (() => undefined);
  const actions = readActions(incident);
  if (actions.length === 0)
    throw E.usage(
      `${incident.ticket} has no action items to open follow-ups for.`,
      'firebreak action add "…" --owner NAME --due YYYY-MM-DD   # then: firebreak followups',
    );
  const resend = new Set(checkResend(incident, opts.resend ?? []).map((x) => x.toLowerCase()));
  const unconfirmed: UnconfirmedItem[] = [];

  const opened: FollowupLink[] = [];
  const existing: FollowupLink[] = [];
  const known = new Map(readFollowups(incident).items.map((l) => [l.action, l]));
  for (const a of actions) {
    const key = `followup:${a.id}`;
    const trackerKey = `${incident.id}/${key}`;
    const title = followupTitle(incident, a);
    let r;
    try {
      r = await effect(
        deps,
        incident.id,
        key,
        {
          kind: "followup.opened",
          intent: { tracker: tracker.kind, action: a.id, title },
          reconcile: async () => {
            const found = await tracker.findIssue(trackerKey);
            return found === "unknown"
              ? "unknown"
              : found
                ? { action: a.id, tracker: tracker.kind, ref: found.ref, url: found.url, summary: `${a.id} → ${found.ref}` }
                : null;
          },
          perform: async () => {
            say(`Opening a follow-up for ${a.id} in ${tracker.where}…`);
            const item = await tracker.openIssue({ key: trackerKey, title, body: followupBody(incident, a), due: a.due });
            return { action: a.id, tracker: tracker.kind, ref: item.ref, url: item.url, summary: `${a.id} → ${item.ref}` };
          },
          settle: `look in ${tracker.where} for "${title}"; if it is not there: firebreak followups --resend ${a.id}`,
        },
        // Only the items a person named: the others that went out must never be sent twice.
        { force: resend.has(a.id.toLowerCase()) },
      );
    } catch (e) {
      // One unconfirmed item must not stop the others: it is listed, and the rest go on.
      const u = unconfirmedOf(a.id, e);
      if (!u) throw e;
      unconfirmed.push(u);
      continue;
    }
    const link: FollowupLink = {
      action: a.id,
      tracker: tracker.kind,
      ref: String(r.result.ref),
      url: String(r.result.url),
      openedAt: known.get(a.id)?.openedAt ?? deps.clock.now().toISOString(),
    };
    (r.how === "replayed" ? existing : opened).push(link);
  }

  // Keep the links on the record, whatever run made them.
  const links = actions.map((a) => [...opened, ...existing].find((l) => l.action === a.id)!).filter(Boolean);
  let current = (await store.getIncident(incident.id)) ?? incident;
  const before = readFollowups(current);
  const recorded = current.data.followups !== undefined && JSON.stringify(before.items) === JSON.stringify(links);
  const everOpened = (await store.timeline(incident.id)).some((e) => e.kind === "followups.opened");
  if (!recorded || opened.length > 0 || !everOpened) {
    current = await store.updateIncident(
      incident.id,
      { data: { followups: { ...before, items: links } } },
      opened.length > 0 || !everOpened
        ? {
            at: deps.clock.now().toISOString(),
            actor: deps.actor,
            kind: "followups.opened",
            data: {
              tracker: tracker.kind,
              count: links.length,
              opened: opened.map((l) => l.action),
              summary: `${links.length} follow-up${links.length === 1 ? "" : "s"} in ${tracker.kind === "file" ? "the offline tracker file" : tracker.where}`,
            },
          }
        : undefined,
    );
  }

  // The resolution on the incident's own ticket.
  let comment: FollowupsOutcome["comment"] = null;
  let commentSkipped: string | null = null;
  const target = tracker.ticketTarget(incident.ticket);
  const events = await store.timeline(incident.id);
  const model = buildReviewModel(current, events, deps.clock.now());
  if (opts.comment === false) commentSkipped = "--no-comment";
  else if (!target)
    commentSkipped = `${incident.ticket} is not a ticket in ${tracker.where}${tracker.kind === "github" ? " (tracker.issuePattern decides which tickets are GitHub issues)" : ""}`;
  else if (!model.fixedAt)
    commentSkipped =
      "the fix is not in production yet: the resolution comment waits for the deploy (run firebreak followups again after it)";
  else if (unconfirmed.length > 0 && !(await store.getEffect(incident.id, "ticket.comment:resolution")))
    // The comment lists every follow-up's link and is posted once: it waits for the unsettled ones.
    commentSkipped = `it waits until ${unconfirmed.map((u) => u.item).join(", ")} ${unconfirmed.length === 1 ? "is" : "are"} settled, so that it links every follow-up`;
  else {
    const key = "ticket.comment:resolution";
    const trackerKey = `${incident.id}/${key}`;
    const body = resolutionComment(model, links, readReviewState(current).path);
    let r;
    try {
      r = await effect(
        deps,
        incident.id,
        key,
        {
          kind: "ticket.commented",
          intent: { tracker: tracker.kind, target },
          reconcile: async () => {
            const found = await tracker.findComment(trackerKey, target);
            return found === "unknown"
              ? "unknown"
              : found
                ? { target, ref: found.ref, url: found.url, summary: `resolution posted on ${found.ref}` }
                : null;
          },
          perform: async () => {
            say(`Posting the resolution on ${incident.ticket}…`);
            const c = await tracker.comment({ key: trackerKey, target, body });
            return { target, ref: c.ref, url: c.url, summary: `resolution posted on ${c.ref}` };
          },
          settle: `look for the resolution comment on ${incident.ticket}; if it is not there: firebreak followups --resend comment`,
        },
        { force: resend.has("comment") },
      );
    } catch (e) {
      const u = unconfirmedOf("comment", e);
      if (!u) throw e;
      unconfirmed.push(u);
    }
    if (r) {
      comment = { url: String(r.result.url), ref: String(r.result.ref), how: r.how };
      const f = readFollowups((await store.getIncident(incident.id)) ?? current);
      if (!f.ticketComment || f.ticketComment.url !== comment.url)
        await store.updateIncident(incident.id, {
          data: { followups: { ...f, ticketComment: { tracker: tracker.kind, url: comment.url, at: deps.clock.now().toISOString() } } },
        });
    }
  }
  return { opened, existing, comment, commentSkipped, unconfirmed };
}

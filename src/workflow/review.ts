// The post-incident review steps: record the impact, write the review (Markdown, charts, HTML)
// keeping what people wrote, schedule the meeting (.ics), mark it done, and add action items.
// Files are regenerated on every run, so they need no journal; what is kept on the record is the
// `review`, `actions` and `impactDetails` data keys, each change with its timeline event.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { event as eventBody, type EventData, type EventKind } from "../domain/events/index.js";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Config } from "../config/schema.js";
import { DEFAULT_REVIEW_DIR } from "../config/schema-review.js";
import type { Incident } from "../domain/types.js";
import type { Git } from "../ports/git.js";
import { validDate } from "../domain/calendar.js";
import { incidentLevelKind } from "../domain/levels.js";
import { E, FirebreakError } from "../errors.js";
import { redact } from "../redact.js";
import { buildReviewModel, utcMinutes, type ReviewModel } from "../review/model.js";
import { renderReview, type ChartFile } from "../review/render.js";
import { renderIcs, isEmail } from "../review/ics.js";
import { reviewDueAt } from "../review/schedule.js";
import {
  PREVENTION_KINDS,
  readActions,
  readImpactDetails,
  readReviewState,
  type ActionItem,
  type ImpactDetails,
  type PreventionKind,
  type ReviewState,
} from "../review/types.js";
import type { EffectDeps } from "./effect.js";

export interface ReviewDeps extends EffectDeps {
  git: Git;
  config: Config;
  repoRoot: string;
  /** Where relative --write paths are read from (the command's working directory). */
  cwd: string;
}

const safeName = (ticket: string) => ticket.replace(/[^A-Za-z0-9._-]/g, "_");

async function fresh(deps: ReviewDeps, incident: Incident): Promise<Incident> {
  return (await deps.store.getIncident(incident.id)) ?? incident;
}

const event = <K extends EventKind>(deps: ReviewDeps, kind: K, data: EventData<K>) => ({
  at: deps.clock.now().toISOString(),
  actor: deps.actor,
  ...eventBody(kind, data),
});

// --- impact ------------------------------------------------------------------------------------

/** Merges impact figures into incident.data.impactDetails; records `impact.recorded` when anything changed. */
export async function recordImpact(
  deps: ReviewDeps,
  incident: Incident,
  patch: ImpactDetails,
): Promise<{ incident: Incident; changed: boolean }> {
  const current = readImpactDetails(incident);
  const next: ImpactDetails = { ...current };
  for (const [k, v] of Object.entries(patch) as Array<[keyof ImpactDetails, unknown]>)
    if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  if (JSON.stringify(next) === JSON.stringify(current)) return { incident, changed: false };
  const summary = [
    next.users !== undefined ? `${next.users} users` : "",
    next.revenue ? `revenue ${next.revenue}` : "",
    next.supportTickets !== undefined ? `${next.supportTickets} support tickets` : "",
    next.mentions !== undefined ? `${next.mentions} mentions` : "",
    next.experience ? `experience: ${next.experience}` : "",
  ].filter(Boolean);
  const updated = await deps.store.updateIncident(
    incident.id,
    { data: { impactDetails: next } },
    event(deps, "impact.recorded", { ...patch, summary: summary.join(", ") }),
  );
  return { incident: updated, changed: true };
}

// --- writing the review ---------------------------------------------------------------------------

export interface ReviewPaths {
  md: string; // absolute
  html: string;
  ics: string;
  dir: string;
  base: string; // file name without .md
  /** What goes on the record: relative to the repository when inside it. */
  recorded: string;
}

/** Where the review goes: --write PATH, else the path on record, else <review.dir>/<TICKET>.md. */
export function reviewPaths(deps: Pick<ReviewDeps, "cwd" | "repoRoot" | "config">, incident: Incident, write?: string): ReviewPaths {
  const onRecord = readReviewState(incident).path;
  let md: string;
  if (write) md = resolve(deps.cwd, write);
  else if (onRecord) md = isAbsolute(onRecord) ? onRecord : join(deps.repoRoot, onRecord);
  else md = join(deps.repoRoot, deps.config.review.dir ?? DEFAULT_REVIEW_DIR, `${safeName(incident.ticket)}.md`);
  const dir = dirname(md);
  const file = md.slice(dir.length + 1);
  const base = file.replace(/\.(md|markdown)$/i, "");
  if (base === "" || file.startsWith("."))
    throw E.usage(
      `--write ${write} is not a file name for the review.`,
      `firebreak review --write ${DEFAULT_REVIEW_DIR}/${safeName(incident.ticket)}.md`,
    );
  const rel = relative(deps.repoRoot, md);
  return {
    md,
    html: join(dir, `${base}.html`),
    ics: join(dir, `${base}.ics`),
    dir,
    base,
    recorded: rel.startsWith("..") || isAbsolute(rel) ? md : rel.split("\\").join("/"),
  };
}

async function readIfExists(file: string): Promise<string | null> {
  return readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
}

/** Writes beside the target and renames, so a reader never sees half a file. */
async function writeAtomic(file: string, content: string): Promise<boolean> {
  // A file is output leaving the program: a secret pasted into a note never reaches it.
  const text = redact(content);
  if ((await readIfExists(file)) === text) return false;
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  return true;
}

export interface ReviewOutcome {
  model: ReviewModel;
  markdown: string;
  html: string | null;
  charts: ChartFile[];
  paths: ReviewPaths | null; // null when only printed
  written: string[]; // files written or changed
  kept: string[];
  refreshed: string[];
  orphaned: string[];
  template: string;
  due: string | null;
}

/** Renders the review; with `write`, writes it (and its charts, and the HTML with `html`) and records where. */
export async function produceReview(
  deps: ReviewDeps,
  incident: Incident,
  opts: { write: boolean; path?: string; html: boolean },
): Promise<ReviewOutcome> {
  const now = deps.clock.now();
  const events = await deps.store.timeline(incident.id);
  const model = buildReviewModel(incident, events, now);
  const paths = opts.write ? reviewPaths(deps, incident, opts.path) : null;
  const previous = paths ? await readIfExists(paths.md) : null;
  const rendered = await renderReview({
    model,
    repoRoot: deps.repoRoot,
    base: paths?.base ?? safeName(incident.ticket),
    previous,
    html: opts.html,
    now,
    charts: paths !== null || opts.html,
  });
  const due = reviewDueAt(incident, events);
  const out: ReviewOutcome = {
    model,
    markdown: rendered.markdown,
    html: rendered.html,
    charts: rendered.charts,
    paths,
    written: [],
    kept: rendered.kept,
    refreshed: rendered.refreshed,
    orphaned: rendered.orphaned,
    template: rendered.template,
    due,
  };
  if (!paths) return out;

  if (await writeAtomic(paths.md, rendered.markdown)) out.written.push(paths.md);
  for (const c of rendered.charts) if (await writeAtomic(join(paths.dir, c.file), c.svg)) out.written.push(join(paths.dir, c.file));
  if (rendered.html !== null && (await writeAtomic(paths.html, rendered.html))) out.written.push(paths.html);

  const state = readReviewState(await fresh(deps, incident));
  const htmlRel = rendered.html !== null ? relative(deps.repoRoot, paths.html).split("\\").join("/") : state.html;
  const next: ReviewState = {
    ...state,
    path: paths.recorded,
    ...(htmlRel ? { html: htmlRel } : {}),
    writtenAt: now.toISOString(),
    due: state.due ?? due,
    done: state.done ?? null,
    scheduled: state.scheduled ?? null,
  };
  const changedOnDisk = out.written.length > 0 || state.path !== paths.recorded;
  await deps.store.updateIncident(
    incident.id,
    { data: { review: next } },
    changedOnDisk
      ? event(deps, "review.written", {
          path: paths.recorded,
          kept: rendered.kept,
          summary: `review written to ${paths.recorded}${rendered.kept.length ? ` (kept people's text in ${rendered.kept.join(", ")})` : ""}`,
        })
      : undefined,
  );
  return out;
}

// --- done, schedule ----------------------------------------------------------------------------------

export async function markReviewDone(deps: ReviewDeps, incident: Incident): Promise<{ already: boolean; at: string }> {
  const inc = await fresh(deps, incident);
  const state = readReviewState(inc);
  if (state.done) return { already: true, at: state.done };
  const at = deps.clock.now().toISOString();
  const due = state.due ?? reviewDueAt(inc, await deps.store.timeline(inc.id));
  await deps.store.updateIncident(
    inc.id,
    { data: { review: { ...state, due, done: at, doneBy: deps.actor } } },
    event(deps, "review.done", { path: state.path ?? null, summary: `post-incident review done${state.path ? `: ${state.path}` : ""}` }),
  );
  return { already: false, at };
}

export interface ScheduleRequest {
  at: Date;
  attendees: string[];
  minutes?: number;
  organizer?: { name: string; email: string };
}

export interface ScheduleOutcome {
  ics: string; // absolute path
  uid: string;
  sequence: number;
  changed: boolean;
  due: string | null;
  afterDue: boolean;
}

export async function scheduleReview(deps: ReviewDeps, incident: Incident, req: ScheduleRequest): Promise<ScheduleOutcome> {
  const bad = req.attendees.filter((a) => !isEmail(a));
  if (bad.length)
    throw new FirebreakError({
      code: "USAGE",
      message: `--attendees takes e-mail addresses; these are not: ${bad.map((b) => JSON.stringify(b)).join(", ")}.`,
      next: "firebreak review --schedule 2026-11-29T15:00Z --attendees ana@example.com,raj@example.com",
    });
  const inc = await fresh(deps, incident);
  const state = readReviewState(inc);
  const events = await deps.store.timeline(inc.id);
  const due = state.due ?? reviewDueAt(inc, events);
  const paths = reviewPaths(deps, inc);
  const minutes = req.minutes ?? deps.config.review.meetingMinutes ?? 60;
  const at = req.at.toISOString();
  const attendees = [...new Set(req.attendees.map((a) => a.toLowerCase()))];
  const prev = state.scheduled ?? null;
  const same = prev !== null && prev.at === at && prev.minutes === minutes && JSON.stringify(prev.attendees) === JSON.stringify(attendees);
  const uid = prev?.uid ?? `${inc.id}.review@firebreak`;
  const sequence = prev ? (same ? prev.sequence : prev.sequence + 1) : 0;
  const reviewLink = state.path ?? paths.recorded;
  const ics = renderIcs({
    uid,
    sequence,
    start: req.at,
    minutes,
    stamp: deps.clock.now(),
    summary: `Post-incident review: ${inc.ticket} ${inc.title}`,
    description: [
      `${inc.ticket} (${inc.priority}, ${incidentLevelKind(inc)}): ${inc.title}`,
      `Discovered ${utcMinutes(inc.discoveredAt)}.`,
      due ? `The review is due by ${utcMinutes(due)}.` : "",
      `Review document: ${reviewLink}`,
    ]
      .filter(Boolean)
      .join("\n"),
    ...(req.organizer ? { organizer: req.organizer } : {}),
    attendees,
  });
  await writeAtomic(paths.ics, ics);
  const icsRel = paths.recorded === paths.md ? paths.ics : relative(deps.repoRoot, paths.ics).split("\\").join("/");
  if (!same) {
    await deps.store.updateIncident(
      inc.id,
      { data: { review: { ...state, due, done: state.done ?? null, scheduled: { at, minutes, attendees, ics: icsRel, uid, sequence } } } },
      event(deps, "review.scheduled", {
        at,
        minutes,
        attendees,
        ics: icsRel,
        sequence,
        summary: `review meeting ${prev ? "moved to" : "set for"} ${utcMinutes(at)}${attendees.length ? ` with ${attendees.join(", ")}` : ""}`,
      }),
    );
  }
  return { ics: paths.ics, uid, sequence, changed: !same, due, afterDue: due !== null && req.at.getTime() > Date.parse(due) };
}

// --- action items --------------------------------------------------------------------------------------

export interface ActionRequest {
  text: string;
  owner: string;
  due: string;
  kind?: string;
}

export async function addAction(deps: ReviewDeps, incident: Incident, req: ActionRequest): Promise<ActionItem> {
  const text = req.text.trim().replace(/\s+/g, " ");
  if (!text)
    throw E.usage("The action item is empty.", 'firebreak action add "alert on token expiry errors" --owner dana --due 2026-12-01');
  if (text.length > 500)
    throw E.usage(
      "An action item is one line (500 characters at most); put the detail in the review.",
      'firebreak action add "…" --owner NAME --due YYYY-MM-DD',
    );
  const owner = req.owner.trim();
  if (!owner) throw E.missingInput("--owner NAME", "Who owns the action item");
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(req.due.trim());
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])))
    throw E.usage(
      `--due ${JSON.stringify(req.due)} is not a date: write YYYY-MM-DD.`,
      'firebreak action add "…" --owner NAME --due 2026-12-01',
    );
  let kind: PreventionKind | undefined;
  if (req.kind !== undefined) {
    const want = req.kind.trim().toLowerCase();
    kind = PREVENTION_KINDS.find((k) => k === want || `${k}s` === want);
    if (!kind)
      throw E.usage(
        `--kind ${JSON.stringify(req.kind)} is not one of ${PREVENTION_KINDS.join(", ")}.`,
        `firebreak action add "…" --owner NAME --due YYYY-MM-DD --kind monitoring`,
      );
  }
  const inc = await fresh(deps, incident);
  const actions = readActions(inc);
  const n = Math.max(0, ...actions.map((a) => Number(/^A(\d+)$/.exec(a.id)?.[1] ?? 0))) + 1;
  const item: ActionItem = {
    id: `A${n}`,
    text,
    owner,
    due: req.due.trim(),
    ...(kind ? { kind } : {}),
    addedAt: deps.clock.now().toISOString(),
    addedBy: deps.actor,
  };
  await deps.store.updateIncident(
    inc.id,
    { data: { actions: [...actions, item] } },
    event(deps, "action.added", {
      id: item.id,
      text,
      owner,
      due: item.due,
      ...(kind ? { kind } : {}),
      summary: `${item.id} ${text} (owner ${owner}, due ${item.due})`,
    }),
  );
  return item;
}

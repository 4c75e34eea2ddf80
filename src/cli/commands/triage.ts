// firebreak triage: how urgent is it? Asks on a terminal, or takes --criteria / --input JSON.

import { readFileSync } from "node:fs";
import type { CommandInput } from "../run-command.js";
import { CRITERIA } from "../../domain/criteria.js";
import { LEVELS, requirements } from "../../domain/levels.js";
import { triage } from "../../domain/triage.js";
import { computeDeadline, parseDiscovered, timeLeft } from "../../domain/deadline.js";
import { DEFAULT_CALENDAR, type WorkCalendar } from "../../domain/calendar.js";
import { PRIORITIES } from "../../domain/types.js";
import { E, EXIT } from "../../errors.js";
import { isInteractive, splitList, utc } from "../format.js";
import { askCriteria } from "../prompts.js";
import * as z from "zod";

interface TriageInput {
  criteria: string[];
  productionBroken?: boolean;
  deadline?: boolean;
  discovered?: string;
}

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  if (opts.list) return list({ out } as Pick<CommandInput, "out">);

  const input = await readInput(opts);
  const calendar = await calendarFor(app);
  const now = app.clock.now();
  const discoveredAt = input.discovered ? parseDiscovered(input.discovered, now, calendar.timeZone) : now;
  const result = triage({ criteria: input.criteria, productionBroken: input.productionBroken, deadline: input.deadline });

  if (result.kind === "not-emergency") {
    out.data({ emergency: false, message: result.message, next: result.next });
    out.line(result.message);
    out.next(result.next);
    return EXIT.notEmergency;
  }

  const level = LEVELS[result.priority];
  const deadline = computeDeadline(result.priority, discoveredAt, calendar);
  const left = timeLeft(deadline, now);
  const ids = result.all.map((c) => c.id).join(",");
  const reqs = requirements(result.priority);
  out.data({
    emergency: true,
    priority: result.priority,
    kind: level.kind,
    decidedBy: result.decidedBy.map((c) => c.id),
    criteria: result.all.map((c) => c.id),
    discoveredAt: discoveredAt.toISOString(),
    deadlineAt: deadline.toISOString(),
    timeLeft: left,
    requirements: reqs,
  });
  out.line(
    `${out.bold(out.red(result.priority))} ${level.kind}: respond within ${level.respondWithinHours} hours${level.businessDayDeadline ? " (next business day)" : ""}`,
  );
  out.fields([
    ["decided by", result.decidedBy.map((c) => `${c.id} (${c.label})`).join("; ")],
    ["discovered", utc(discoveredAt)],
    ["deadline", `${utc(deadline)} (${left.text})`],
  ]);
  out.line(`  ${out.dim("requires")}`);
  for (const r of reqs) out.line(`    - ${r}`);
  out.next(`firebreak start <TICKET> "<title>" --criteria ${ids}${input.discovered ? ` --discovered ${discoveredAt.toISOString()}` : ""}`);
  return EXIT.ok;
}

function list({ out }: Pick<CommandInput, "out">): number {
  out.data({ criteria: CRITERIA.map((c) => ({ id: c.id, level: c.level, label: c.label })) });
  for (const p of PRIORITIES) {
    out.line(`${out.bold(p)} ${LEVELS[p].kind} (respond within ${LEVELS[p].respondWithinHours} h)`);
    for (const c of CRITERIA.filter((x) => x.level === p)) out.line(`  ${c.id.padEnd(26)} ${c.label}`);
  }
  out.line("Production not broken and no deadline: not an emergency; use the normal release process.");
  out.next("firebreak triage --criteria <id>[,<id>…]");
  return EXIT.ok;
}

async function readInput(opts: Record<string, unknown>): Promise<TriageInput> {
  if (typeof opts.input === "string") return parseJsonInput(opts.input);
  const criteria = splitList(opts.criteria);
  const productionBroken = opts.notBroken ? false : criteria.length > 0 ? true : undefined;
  const discovered = typeof opts.discovered === "string" ? opts.discovered : undefined;
  if (criteria.length > 0 || opts.notBroken || opts.deadline)
    return { criteria, productionBroken, deadline: Boolean(opts.deadline), discovered };
  if (!isInteractive()) throw E.missingInput("--criteria <ids> (or --not-broken, or --input <json>)", "What is broken");
  return { ...(await askCriteria()), discovered };
}

function parseJsonInput(source: string): TriageInput {
  const text = source === "-" ? readFileSync(0, "utf8") : /^\s*[{[]/.test(source) ? source : readFileSync(source, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw E.usage(`--input is not valid JSON: ${(e as Error).message}`, `firebreak triage --input '{"criteria":["auth-bypass"]}'`);
  }
  const parsed = TriageJson.safeParse(raw);
  if (!parsed.success)
    throw E.usage(
      `--input has ${parsed.error.issues.length} problem${parsed.error.issues.length === 1 ? "" : "s"}: nothing was decided from it.`,
      `firebreak triage --input '{"criteria":["auth-bypass"],"productionBroken":true}'   # or: firebreak triage --list`,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(the input)"}: ${i.message}`),
    );
  const o = parsed.data;
  const criteria = Array.isArray(o.criteria) ? o.criteria : splitList(o.criteria);
  return {
    criteria,
    productionBroken: o.productionBroken ?? (criteria.length > 0 ? true : undefined),
    deadline: o.deadline === true,
    discovered: o.discovered,
  };
}

// A wrong type must not be read as "no": {"productionBroken":"yes"} once answered "Not an emergency".
const TriageJson = z.strictObject(
  {
    criteria: z
      .union([z.array(z.string({ error: "each criterion is an id (a string)" })), z.string()], {
        error: 'expected a list of criterion ids, e.g. ["auth-bypass"]',
      })
      .optional(),
    productionBroken: z.boolean({ error: (i) => `expected true or false, got ${JSON.stringify(i.input)}` }).optional(),
    deadline: z.boolean({ error: (i) => `expected true or false, got ${JSON.stringify(i.input)}` }).optional(),
    discovered: z.string({ error: 'expected a time such as "2026-03-01T09:30Z" or "40m ago"' }).optional(),
  },
  {
    error: (i) =>
      i.code === "unrecognized_keys"
        ? `unknown key${i.keys.length === 1 ? "" : "s"} ${i.keys.join(", ")} (valid: criteria, productionBroken, deadline, discovered)`
        : "expected a JSON object",
  },
);

async function calendarFor(app: CommandInput["app"]): Promise<WorkCalendar> {
  if (!(await app.git.isRepo())) return DEFAULT_CALENDAR;
  const c = await app.config();
  return { timeZone: c.calendar.timeZone, workDays: c.calendar.workDays, holidays: c.calendar.holidays };
}

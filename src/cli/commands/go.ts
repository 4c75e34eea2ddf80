// firebreak go [TICKET]: from wherever the incident stands, run each next step of its level's route
// (domain/go.ts) as the single command would, stopping only where a person must decide. It asks
// at a terminal; elsewhere it never waits: it stops at the first decision with the exact command
// that continues, and exits 5. Run again after Ctrl-C, a crash or a failed step, it continues from
// the record (every step is safe to repeat: the journal sees to that).

import type { CommandInput } from "../run-command.js";
import type { Output } from "../output.js";
import type { Incident } from "../../domain/types.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { GO_DECISIONS, leftForPeople, nextStep, planGo, PERSON_CONFIRMATIONS, type GoDecision, type GoStep } from "../../domain/go.js";
import { timeLeft } from "../../domain/deadline.js";
import { goFacts, stageCheckedChange } from "../../workflow/go.js";
import { E, EXIT } from "../../errors.js";
import { isInteractive, shq, splitList } from "../format.js";
import { askText } from "../prompts.js";
import { runStep } from "./go-run-step.js";
import { incidentState } from "../../domain/state/state.js";
import { deploysTo, rolledBackNow } from "../../domain/state/facts.js";
import type { App } from "../../app/app.js";

interface GoOptions {
  ticket?: string;
  yes: Set<GoDecision>;
  plan: boolean;
  what?: string;
  rootCause?: string;
  waive?: string;
  confirms: Array<{ item: string; note: string }>;
  publicTitle?: string;
  publicSummary?: string;
  /** Minutes to wait for an approval, polling the record; 0 stops at once. */
  waitMinutes: number;
}

/** How often a wait for an approval reads the record again. */
const POLL_MS = 2000;

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v : undefined);

function goOptions(opts: Record<string, unknown>, args: string[]): GoOptions {
  const yes = new Set<GoDecision>();
  for (const y of splitList(opts.yes)) {
    if (!(GO_DECISIONS as readonly string[]).includes(y))
      throw E.usage(`--yes ${y}: go asks only before ${GO_DECISIONS.join(", ")}.`, "firebreak go --yes ship,announce");
    yes.add(y as GoDecision);
  }
  const confirms = (Array.isArray(opts.confirm) ? (opts.confirm as string[]) : []).map((c) => {
    const m = /^([a-z-]+)=(.+)$/s.exec(c);
    if (!m || !(PERSON_CONFIRMATIONS as readonly string[]).includes(m[1]!))
      throw E.usage(
        `--confirm ${JSON.stringify(c)}: give ITEM=WHAT-YOU-CHECKED, ITEM one of ${PERSON_CONFIRMATIONS.join(", ")}.`,
        "firebreak go --confirm 'fixed=the regression test now fails on the old code'",
      );
    return { item: m[1]!, note: m[2]! };
  });
  return {
    ticket: args[0] ?? str(opts.ticket),
    yes,
    plan: Boolean(opts.plan),
    what: str(opts.what),
    rootCause: str(opts.rootCause),
    waive: str(opts.waive),
    confirms,
    publicTitle: str(opts.publicTitle),
    publicSummary: str(opts.publicSummary),
    waitMinutes: waitOption(opts.wait),
  };
}

function waitOption(v: unknown): number {
  // At a terminal go waits for the reviewer by default; a script decides for itself.
  if (v === undefined) return isInteractive() ? 30 : 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 240) throw E.usage(`--wait ${String(v)}: give minutes from 0 to 240.`, "firebreak go --wait 15");
  return n;
}

const MARK: Record<GoStep["state"], string> = { done: "✔", todo: "·", skipped: "-", person: "?" };

function clockOf(app: App, incident: Incident): string {
  return timeLeft(new Date(incident.deadlineAt), app.clock.now()).text;
}

function renderRoute(out: Output, steps: GoStep[], current?: GoStep): void {
  for (const s of steps) {
    const here = current?.id === s.id;
    const text = `  ${here ? "▶" : MARK[s.state]} ${s.label.padEnd(38)} ${s.detail}`;
    out.line(here ? out.bold(text) : s.state === "done" ? out.green(text) : s.state === "skipped" ? out.dim(text) : text);
  }
}

/** The command that continues, with what was given this time (answers already on the record are not repeated). */
function continueCommand(o: GoOptions, add: string[] = []): string {
  const parts = ["firebreak", "go"];
  if (o.ticket) parts.push(o.ticket);
  if (o.yes.size) parts.push("--yes", [...o.yes].join(","));
  return [...parts.map(shq), ...add].join(" ");
}

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const o = goOptions(opts, args);
  let incident = await resolveIncident(app, o.ticket);
  const interactive = isInteractive() && !out.json;
  const globals = [...(typeof opts.db === "string" ? ["--db", opts.db] : []), ...(typeof opts.dir === "string" ? ["--dir", opts.dir] : [])];
  // People read the steps' lines on stdout; with --json, stdout is one event per line and the lines go to stderr.
  const write = (text: string) => (out.json ? process.stderr : process.stdout).write(text);
  const emit = (event: Record<string, unknown>) => {
    if (out.json) process.stdout.write(`${JSON.stringify({ ticket: incident.ticket, ...event })}\n`);
  };
  const step = (args: string[]) => runStep(args, { cwd: app.cwd, globals, write, color: out.color });
  const refresh = async () => {
    incident = (await (await app.store()).getIncident(incident.id)) ?? incident;
  };

  if (o.plan) {
    const steps = planGo(await goFacts(app, incident, { checked: false }));
    emit({ type: "plan", steps: steps.map(({ id, state, detail, command, decision }) => ({ id, state, detail, command, decision })) });
    out.line(`${incident.ticket} (${incident.priority}, ${clockOf(app, incident)}): the route firebreak go would take.`);
    renderRoute(out, steps);
    out.line("");
    out.line(`It asks before: ${GO_DECISIONS.join(", ")} (or pass --yes with them).`);
    out.next(continueCommand(o));
    return EXIT.ok;
  }

  const started = Date.now();
  const timings: Array<{ id: string; label: string; ms: number; code: number }> = [];
  const stop = (code: number, message: string, next: string): number => {
    emit({ type: "stopped", code, message, next });
    out.line("");
    out.line(code === EXIT.ok ? message : out.yellow(message));
    out.next(next);
    return code;
  };
  out.line(`${out.bold(incident.ticket)} ${incident.priority} · ${clockOf(app, incident)} · ${incident.title}`);

  // The person's own confirmations given on the command line: recorded first, in their words.
  for (const c of o.confirms) {
    const r = await step(["confirm", c.item, "--note", c.note, "-t", incident.ticket]);
    if (r.code !== 0) return stop(r.code, `Could not record the confirmation ${c.item}.`, r.next ?? continueCommand(o));
  }

  {
    const f = await goFacts(app, incident, { checked: false });
    if (f.changedFiles > 0 && deploysTo(f.state, "production").length > 0 && !rolledBackNow(f.state))
      out.warn(
        `${f.changedFiles} changed file${f.changedFiles === 1 ? "" : "s"} in the work tree will not ship: ${incident.ticket} is already deployed. A further fix is a new incident (firebreak start <NEW-TICKET> "…"), or reopen this one with: firebreak check --reopen`,
      );
  }
  let checked = false;
  let last: string | null = null;
  for (let round = 0; round < 30; round++) {
    await refresh();
    const steps = planGo(await goFacts(app, incident, { checked }));
    const st = nextStep(steps);
    if (!st) break;
    if (last === `${st.id}:${st.state}`)
      return stop(
        EXIT.unexpected,
        `${st.label} ran but the record does not show it done; go stops rather than run it again.`,
        `firebreak status ${incident.ticket}   # then: ${st.command}`,
      );
    last = `${st.id}:${st.state}`;
    const index = steps.indexOf(st) + 1;
    out.line("");
    out.line(
      out.bold(`▶ ${index}/${steps.length} ${st.label}  (${clockOf(app, incident)}, ${Math.round((Date.now() - started) / 1000)} s in)`),
    );
    emit({ type: "step", id: st.id, state: "started", detail: st.detail });

    const argv = await prepare(st);
    if (typeof argv === "number") return argv;
    if (argv === null) continue;
    // review and followups take the ticket as their argument; the others as -t.
    const withTicket = ["review", "followups"].includes(argv[0]!)
      ? [argv[0]!, incident.ticket, ...argv.slice(1)]
      : [...argv, "-t", incident.ticket];
    const r = await step(withTicket);
    timings.push({ id: st.id, label: st.label, ms: r.ms, code: r.code });
    emit({
      type: "step",
      id: st.id,
      state: r.code === 0 ? "done" : "failed",
      code: r.code,
      ms: r.ms,
      command: ["firebreak", ...argv].join(" "),
    });
    if (r.code !== 0 && (st.id === "ship" || st.id === "verify") && (await regressionToRollBack())) {
      // verify found a regression and the level does not roll back by itself: a person's decision.
      if (await decideRollback()) {
        const rb = await step(["rollback", "--reason", "firebreak go: verify found a regression", "-t", incident.ticket]);
        emit({ type: "step", id: "rollback", state: rb.code === 0 ? "done" : "failed", code: rb.code, ms: rb.ms });
        return stop(
          rb.code === 0 ? EXIT.blocked : rb.code,
          rb.code === 0 ? `${incident.ticket} was rolled back: the fix made production worse.` : "The rollback did not finish.",
          rb.code === 0
            ? `firebreak status ${incident.ticket}   # then a new fix, and: firebreak go`
            : (rb.next ?? `firebreak rollback -t ${incident.ticket}`),
        );
      }
    }
    if (r.code !== 0) {
      out.line(out.red(`✖ ${st.label} stopped (exit ${r.code}).`));
      if (r.next) out.line(`  ${out.dim("the step says:")} ${r.next}`);
      return stop(r.code, `firebreak go stopped at: ${st.label}.`, `${r.next ? `${r.next}   # then: ` : ""}${continueCommand(o)}`);
    }
    out.line(out.green(`✔ ${st.label}  ${(r.ms / 1000).toFixed(1)} s`));
    if (st.id === "check") checked = true;
  }

  await refresh();
  const steps = planGo(await goFacts(app, incident, { checked }));
  out.line("");
  out.line(out.bold(`${incident.ticket}: the route, after ${Math.round((Date.now() - started) / 1000)} s`));
  renderRoute(out, steps);
  for (const t of timings) out.line(out.dim(`    ${t.label}: ${(t.ms / 1000).toFixed(1)} s`));
  const left = leftForPeople(incident.priority, incidentState(await (await app.store()).timeline(incident.id)));
  if (left.length) {
    out.line("");
    out.line("Left for people:");
    for (const l of left) out.line(`  - ${l}`);
  }
  emit({ type: "end", left, steps: steps.map(({ id, state }) => ({ id, state })), seconds: Math.round((Date.now() - started) / 1000) });
  out.next(left[0] ?? `firebreak status ${incident.ticket}`);
  return EXIT.ok;

  /**
   * Waits for a reviewer's approval to land on the record (`firebreak approve` from anywhere that
   * shares it), reading it every few seconds, for at most --wait minutes. Ctrl-C ends the wait
   * like any other: nothing is lost, and go continues from the record when run again.
   */
  async function waitForApproval(): Promise<boolean> {
    const store = await app.store();
    const asked = (await store.timeline(incident.id))
      .filter((e) => e.kind === "pr.review-requested")
      .flatMap((e) => (Array.isArray(e.data.reviewers) ? (e.data.reviewers as string[]) : []));
    out.line(
      `  waiting up to ${o.waitMinutes} min for an approval${asked.length ? ` (asked: ${[...new Set(asked)].join(", ")})` : ""}: firebreak approve --by <name>`,
    );
    emit({ type: "waiting", for: "approval", asked, minutes: o.waitMinutes });
    const until = Date.now() + o.waitMinutes * 60_000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const s = incidentState(await store.timeline(incident.id));
      if (s.approvals.length > 0) {
        out.line(out.green(`  approved by ${s.approvals.map((a) => a.by).join(", ")}`));
        return true;
      }
    }
    out.line(out.yellow(`  no approval within ${o.waitMinutes} min`));
    return false;
  }

  /** The last production verdict is a regression and production still runs the fix. */
  async function regressionToRollBack(): Promise<boolean> {
    const s = incidentState(await (await app.store()).timeline(incident.id));
    return s.verdicts.filter((v) => v.slot === "production").at(-1)?.verdict === "regression" && !rolledBackNow(s);
  }

  async function decideRollback(): Promise<boolean> {
    if (o.yes.has("rollback")) return true;
    if (!interactive) return false;
    return /^y(es)?$/i.test((await askText(`Roll ${incident.ticket} back to the version before it? [y/N]`)).trim());
  }

  /**
   * The single command for a step, after what it needs from a person: an answer, a reason, a yes.
   * A number is go's exit (stopped at a decision); null means the step was settled here.
   */
  async function prepare(st: GoStep): Promise<string[] | number | null> {
    const decide = async (d: GoDecision, question: string): Promise<boolean> => {
      if (o.yes.has(d)) return true;
      if (!interactive) return false;
      return /^y(es)?$/i.test((await askText(`${question} [y/N]`)).trim());
    };
    switch (st.id) {
      case "check":
        if (st.state === "person")
          return stop(
            EXIT.blocked,
            "Nothing to check yet: the fix is not written.",
            "edit the fix and add its regression test, then: firebreak go",
          );
        return ["check"];
      case "commit": {
        const flags: string[] = [];
        const ask = async (key: "whatWasBroken" | "rootCause", given: string | undefined, flag: string, question: string) => {
          const stored = incident.data[key];
          if (typeof stored === "string" && stored.trim() && !given) return true;
          const answer = given ?? (interactive ? (await askText(question)).trim() : "");
          if (!answer) return false;
          flags.push(flag, answer);
          return true;
        };
        const okWhat = await ask("whatWasBroken", o.what, "--what", "What was broken?");
        const okCause = await ask("rootCause", o.rootCause, "--root-cause", "What was the root cause?");
        if (!okWhat || !okCause) {
          const lacking = [...(okWhat ? [] : ['--what "…"']), ...(okCause ? [] : ['--root-cause "…"'])];
          return stop(
            EXIT.usage,
            `The commit needs ${[...(okWhat ? [] : ["what was broken"]), ...(okCause ? [] : ["the root cause"])].join(" and ")}, and nobody can be asked here.`,
            continueCommand(o, lacking),
          );
        }
        const staged = await stageCheckedChange(app, incident);
        if (staged.length) out.line(out.dim(`  staged the checked change: ${staged.join(", ")}`));
        return ["commit", ...flags];
      }
      case "pr":
        return ["pr"];
      case "approval": {
        const reason =
          o.waive ??
          (interactive && incident.priority === "P0"
            ? (await askText("No approval yet. Waive it for this P0? The reason (Enter to stop and ask a reviewer):")).trim()
            : "");
        if (reason && incident.priority === "P0") return ["waive", "approval", "--reason", reason];
        if (o.waitMinutes > 0 && (await waitForApproval())) return null;
        return stop(
          EXIT.blocked,
          `${incident.ticket} needs an approval before it ships.`,
          incident.priority === "P0"
            ? `a reviewer: firebreak approve --by <name>; or a person waives it: ${continueCommand(o, ['--waive "<why>"'])}`
            : `a reviewer: firebreak approve --by <name>   # then: ${continueCommand(o)}`,
        );
      }
      case "monitoring":
        if (
          interactive &&
          /^y(es)?$/i.test((await askText("No verify metrics are configured. Is production's monitoring watching this? [y/N]")).trim())
        )
          return ["confirm", "monitoring", "--note", "confirmed at firebreak go"];
        return stop(
          EXIT.blocked,
          "Nobody has confirmed the monitoring for this release.",
          `firebreak confirm monitoring --note "…"   # then: ${continueCommand(o)}`,
        );
      case "oncall":
        if (st.state === "todo") return ["announce", "--channel", st.command.split("--channel ")[1] ?? ""];
        if (interactive && /^y(es)?$/i.test((await askText("Has the on-call been told? [y/N]")).trim()))
          return ["confirm", "oncall-notified", "--note", "confirmed at firebreak go"];
        return stop(
          EXIT.blocked,
          "The on-call has not been told, and no chat channel is configured to tell them.",
          `firebreak confirm oncall-notified --note "…"   # then: ${continueCommand(o)}`,
        );
      case "staging":
        if (st.state === "person") return stop(EXIT.blocked, `Staging: ${st.detail}.`, `${st.command}, then: ${continueCommand(o)}`);
        return ["ship", "--to", "staging"];
      case "ship":
        if (!(await decide("ship", `Merge, tag and deploy ${incident.ticket} to production now?`)))
          return stop(
            EXIT.blocked,
            `Stopped before the merge and the production deploy: that is a person's decision.`,
            continueCommand({ ...o, yes: new Set([...o.yes, "ship"]) }),
          );
        return ["ship", "--to", "production"];
      case "verify":
        return ["verify"];
      case "announce": {
        // At P0 customers must read words written for them, never the internal title (announce refuses otherwise).
        const { publicText } = await import("../../announce/model.js");
        if (incident.priority === "P0" && !publicText(incident).title && !o.publicTitle)
          return stop(
            EXIT.usage,
            "At P0 customers read a public title and summary, not the internal title: give them to go.",
            continueCommand({ ...o, yes: new Set([...o.yes, "announce"]) }, ['--public-title "…"', '--public-summary "…"']),
          );
        if (!(await decide("announce", "Send the resolution to every configured channel, customers included?")))
          return stop(
            EXIT.blocked,
            "Stopped before telling customers: that is a person's decision.",
            continueCommand({ ...o, yes: new Set([...o.yes, "announce"]) }),
          );
        return [
          "announce",
          "--stage",
          "resolved",
          ...(o.publicTitle ? ["--public-title", o.publicTitle] : []),
          ...(o.publicSummary ? ["--public-summary", o.publicSummary] : []),
        ];
      }
      case "backport":
        return ["backport"];
      case "review":
        return ["review", "--write"];
      case "followups":
        return ["followups"];
    }
  }
}

// The demo: a whole P0 on a real sandbox, through the same firebreak commands a user types.
// Build the sandbox, start the service at v1.4.2 and send it traffic, then triage → start →
// fix → check → commit → pr → waive → ship → verify → announce → backport → review.

import { createServer } from "node:net";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { buildSandbox, applyFix, type Sandbox } from "./sandbox.js";
import { sandboxConfig } from "./sandbox-config.js";
import { Traffic } from "./traffic.js";
import { startReceiver, type Receiver } from "./receiver.js";
import { Runner } from "./runner.js";
import { E } from "../errors.js";
import { exitForSignal } from "../app/signals.js";
import { summarize, type DemoSummary } from "./summary.js";
import { stopSamplersIn } from "../workflow/baseline-sampler.js";

export type Scenario = "fix" | "regression";

export interface DemoOptions {
  scenario: Scenario;
  /** Show the single commands one by one instead of `firebreak go`. */
  verbose?: boolean;
  /** Serve the dashboard on the sandbox's record while the demo runs (src/demo/team.ts). */
  team?: boolean;

  keep: boolean;
  entry: string; // the firebreak CLI to run (dist/firebreak.js)
  color: boolean;
  write: (text: string) => void;
}

export const TICKET = "ENG-1234";

/** Copies the review (with its charts), the messages and the status page to a folder of this run's own. */
function keepOutputs(files: DemoSummary["files"]): DemoSummary["files"] {
  // Per run: two demos at once (or one after another) never mix or delete each other's files.
  const dir = mkdtempSync(join(tmpdir(), "firebreak-demo-output-"));
  return files.map((f) => {
    const to = join(dir, basename(f.path));
    copyFileSync(f.path, to);
    // The review's Markdown links its SVG charts, which sit next to it.
    if (f.path.endsWith(".md"))
      for (const svg of readdirSync(dirname(f.path)).filter((n) => n.endsWith(".svg")))
        copyFileSync(join(dirname(f.path), svg), join(dir, svg));
    return { ...f, path: to };
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof addr === "object" && addr ? addr.port : 0;
}

/** Starts the service at a version with the team's own deploy script, as production runs today. */
function deployDirect(sb: Sandbox, version: string): void {
  execFileSync(process.execPath, [join(sb.root, "ops/deploy.mjs"), "--port", String(sb.port), "--runtime", sb.runtime], {
    cwd: sb.work,
    env: { ...process.env, FIREBREAK_VERSION: version },
    stdio: "ignore",
  });
}

function stopService(sb: Sandbox): void {
  stopSamplersIn(join(sb.work, ".git"));
  try {
    const pid = Number(execFileSync("cat", [join(sb.runtime, "service.pid")], { encoding: "utf8" }));
    process.kill(pid, "SIGTERM");
  } catch {
    // not running
  }
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  let receiver: Receiver | undefined;
  let traffic: Traffic | undefined;
  let sb: Sandbox | undefined;
  let team: { close(): Promise<void> } | undefined;
  let failed = false;
  // Ctrl-C mid-demo still stops the sandbox service and the traffic (the finally below would not run).
  const onSignal = (sig: NodeJS.Signals) => {
    void traffic?.stop();
    if (sb) stopService(sb);
    void receiver?.close();
    o.write(`\nStopped. ${sb ? `The sandbox is left at ${sb.root}.` : ""}\n`);
    process.exit(exitForSignal(sig));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);
  // `firebreak demo | head` ends the process on the spot (EPIPE): the service must not outlive it.
  const onExit = () => {
    if (sb) stopService(sb);
  };
  process.once("exit", onExit);
  try {
    const port = await freePort();
    sb = buildSandbox({ port, config: sandboxConfig });
    // The team's chat, standing in: its URL reaches firebreak as a secret in the environment.
    receiver = await startReceiver(join(sb.out, "webhook-messages.json"));
    o.write(`Sandbox: ${sb.root}\n  service  http://127.0.0.1:${port} (sandbox-api v1.4.2)\n  origin   ${sb.origin}\n`);
    if (o.team) team = await (await import("./team.js")).startTeamServer(sb.work, o.write);

    deployDirect(sb, "v1.4.2");
    traffic = new Traffic(port, 40);
    traffic.start();
    // A few seconds of traffic before anything changes: the baseline the verify step compares with.
    await new Promise((r) => setTimeout(r, 3000));

    const run = new Runner({
      entry: o.entry,
      cwd: sb.work,
      color: o.color,
      write: o.write,
      env: {
        FIREBREAK_ACTOR: "dana",
        DEMO_WEBHOOK_URL: receiver.url,
        SANDBOX_EXPIRED_TOKEN: "Bearer tok-expired-bob",
        GIT_TERMINAL_PROMPT: "0",
      },
    });
    try {
      await (o.verbose ? stepByStep : withGo)(run, sb, o.scenario);
    } catch (e) {
      failed = true;
      throw E.demoFailed((e as Error).message, sb.root);
    }
    await traffic.stop();
    const summary = await summarize(run, sb, { started, scenario: o.scenario, traffic: traffic.counts, receiver });
    // The sandbox goes away; what it wrote is worth reading, so it is kept in one folder.
    return o.keep ? summary : { ...summary, files: keepOutputs(summary.files) };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    process.off("exit", onExit);
    await traffic?.stop();
    if (sb) stopService(sb);
    await receiver?.close();
    await team?.close();
    // A failed demo keeps its sandbox: the record and the logs say what went wrong.
    if (sb && !o.keep && !failed) rmSync(sb.root, { recursive: true, force: true });
  }
}

const dueIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** What an engineer types at 3 a.m.: start, the edit, go; then what people do after the incident. */
async function withGo(run: Runner, sb: Sandbox, scenario: Scenario): Promise<void> {
  const title = "Expired tokens get 200 on /profile";
  await run.firebreak(["start", TICKET, title, "--criteria", "auth-bypass"]);
  run.say(
    scenario === "fix"
      ? "edit src/auth.mjs to read `exp`, and add test/auth-expired.test.mjs"
      : "edit src/auth.mjs (a fix that also demands a scope), and add test/auth-expired.test.mjs",
  );
  applyFix(sb, scenario);
  // Without a terminal go never asks: the answers and the decisions it would ask for are given here.
  await run.firebreak(
    [
      "go",
      "--what",
      "An expired token was accepted on /profile (200 instead of 401)",
      "--root-cause",
      "The JWT-style refactor renamed expiresAt to exp; auth.mjs still read expiresAt, which is undefined, so no token ever looked expired",
      "--confirm",
      "reproduced=curl with tok-expired-bob gets 200",
      "--confirm",
      "fixed=the regression test gets 401 for tok-expired-bob",
      "--confirm",
      "happy-path=tok-alice still gets her profile",
      "--confirm",
      "edge-cases=a token expiring this second and one without exp both get 401",
      "--confirm",
      "no-regressions=the whole suite passes; other routes answer as before",
      "--waive",
      "P0 security fix at night; review after deploy",
      "--public-title",
      "Signed-out sessions could still load profiles",
      "--public-summary",
      "Some expired sign-in sessions could still read profile pages.",
      "--yes",
      "ship,announce",
    ],
    scenario === "regression" ? [5] : [0],
  );
  if (scenario === "regression") {
    await run.firebreak([
      "announce",
      "--stage",
      "identified",
      "--public-title",
      "Profile pages failing for some accounts",
      "--public-summary",
      "Some accounts could not open their profile page after a change; it has been undone.",
    ]);
    await run.firebreak(["status"]);
    return;
  }
  run.say("after the incident: the action items, the review with its charts, the follow-ups, the review of the waived approval");
  await afterTheIncident(run);
}

/** The same incident through the single commands (`firebreak demo --verbose`). */
async function stepByStep(run: Runner, sb: Sandbox, scenario: Scenario): Promise<void> {
  const title = "Expired tokens get 200 on /profile";
  await run.firebreak(["triage", "--criteria", "auth-bypass"]);
  await run.firebreak(["start", TICKET, title, "--criteria", "auth-bypass"]);
  await run.firebreak(["note", "Security audit counter shows expired tokens answered 200 on /profile", "--impact"]);
  await run.firebreak(["confirm", "reproduced", "--note", "curl with tok-expired-bob gets 200"]);

  run.say(
    scenario === "fix"
      ? "edit src/auth.mjs to read `exp`, and add test/auth-expired.test.mjs"
      : "edit src/auth.mjs (a fix that also demands a scope), and add test/auth-expired.test.mjs",
  );
  applyFix(sb, scenario);

  await run.firebreak(["check"]);
  await run.firebreak([
    "commit",
    "--what",
    "An expired token was accepted on /profile (200 instead of 401)",
    "--root-cause",
    "The JWT-style refactor renamed expiresAt to exp; auth.mjs still read expiresAt, which is undefined, so no token ever looked expired",
  ]);
  await run.firebreak(["confirm", "fixed", "--note", "the regression test gets 401 for tok-expired-bob"]);
  await run.firebreak(["confirm", "happy-path", "--note", "tok-alice still gets her profile"]);
  await run.firebreak(["confirm", "edge-cases", "--note", "a token expiring this second and one without exp both get 401"]);
  await run.firebreak(["confirm", "no-regressions", "--note", "the whole suite passes; other routes answer as before"]);
  await run.firebreak(["pr"]);
  await run.firebreak(["waive", "approval", "--reason", "P0 security fix at night; review after deploy"]);
  await run.firebreak(["confirm", "oncall-notified", "--note", "paged the on-call lead"]);
  await run.firebreak(["ship", "--no-verify"]);
  if (scenario === "regression") {
    // The bad fix rejects expired tokens (the smoke test passes) but fails every legacy token.
    await run.firebreak(["verify"], [5]);
    await run.firebreak([
      "announce",
      "--stage",
      "identified",
      "--public-title",
      "Profile pages failing for some accounts",
      "--public-summary",
      "Some accounts could not open their profile page after a change; it has been undone.",
    ]);
    await run.firebreak(["status"]);
    return;
  }
  await run.firebreak(["verify"]);
  await run.firebreak([
    "announce",
    "--stage",
    "resolved",
    "--public-title",
    "Signed-out sessions could still load profiles",
    "--public-summary",
    "Some expired sign-in sessions could still read profile pages.",
  ]);
  await run.firebreak(["backport"]);
  await afterTheIncident(run);
}

/** The work after the incident, the same whichever way it was driven: an action item, the review, follow-ups, the approval the waiver owed. */
async function afterTheIncident(run: Runner): Promise<void> {
  await run.firebreak([
    "action",
    "add",
    "Alert when an expired token is accepted",
    "--owner",
    "dana",
    "--due",
    dueIn(7),
    "--kind",
    "monitoring",
  ]);
  await run.firebreak(["review", "--write", "docs/incidents/ENG-1234.md", "--html"]);
  await run.firebreak(["followups"]);
  await run.firebreak(["approve", "--by", "sam", "--note", "reviewed after the deploy"]);
  await run.firebreak(["status"]);
}

// Runs the Action's entry (action.yml → dist/action.cjs → the bundled CLI) the way a GitHub
// runner runs a step: inputs as INPUT_ variables, the event in a file, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files to append to, the API at the contract server.

import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import type { ContractServer } from "../helpers/github-contract-server.js";

const LAUNCH = resolve(import.meta.dirname, "../../dist/action.cjs");

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export function runAction(
  o: {
    cwd: string;
    runner: string;
    gh: ContractServer;
    token?: string;
    defaultToken?: string;
    /** The entry to run (default: action.yml's main in this checkout, dist/action.cjs). */
    launch?: string;
    env?: Record<string, string>;
  },
  inputs: Record<string, string>,
  eventName: string,
  payload: unknown,
): Promise<ActionRun> {
  const { runner, gh } = o;

  const event = join(runner, "event.json");
  const output = join(runner, "output");
  const summary = join(runner, "summary.md");
  writeFileSync(event, JSON.stringify(payload));
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? runner,
    NO_COLOR: "1",
    FIREBREAK_ACTOR: "github-actions",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: event,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: o.defaultToken ?? "ghs_workflowtoken1234567890",
    ...(o.token ? { INPUT_TOKEN: o.token } : {}),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...o.env,
  };
  return new Promise<ActionRun>((done, fail) => {
    const child = spawn(process.execPath, [o.launch ?? LAUNCH], { cwd: o.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, outputs: parseOutputs(readFileSync(output, "utf8")), summary: readFileSync(summary, "utf8") });
    });
  });
}

/** The runner's `name<<DELIMITER` … `DELIMITER` format. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    out[m[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return out;
}

// What GitHub Actions hands a step: inputs as INPUT_<NAME> variables, the event payload in the file
// GITHUB_EVENT_PATH, and files to append outputs (GITHUB_OUTPUT) and the job summary
// (GITHUB_STEP_SUMMARY) to. Read once here, so the modes see plain values.

import { appendFileSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { E } from "../errors.js";

export type ActionMode = "check" | "backport" | "gate";
export const ACTION_MODES: readonly ActionMode[] = ["check", "backport", "gate"];

export interface ActionsEnv {
  mode: ActionMode;
  eventName: string;
  event: Record<string, unknown>;
  owner: string;
  repo: string;
  apiUrl: string;
  /** The token given as the `token` input, else GITHUB_TOKEN. */
  token: string;
  /** True when the token is the workflow's own GITHUB_TOKEN: what it opens starts no workflow. */
  defaultToken: boolean;
  input(name: string): string;
  outputPath: string | null;
  summaryPath: string | null;
}

/** GitHub's runner turns an input's name into INPUT_ + the name upper-cased, spaces as underscores. */
export function inputOf(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

export function readActionsEnv(env: NodeJS.ProcessEnv): ActionsEnv {
  const mode = inputOf(env, "mode");
  if (!(ACTION_MODES as readonly string[]).includes(mode))
    throw E.usage(`The action's mode is "${mode}": it is check, backport or gate.`, "with:\n  mode: check");
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo)
    throw E.usage(
      "GITHUB_REPOSITORY is not set: the action runs inside GitHub Actions.",
      "run it as a step of a workflow (docs/action.md)",
    );
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath)
    throw E.usage("GITHUB_EVENT_PATH is not set: there is no event to act on.", "run it as a step of a workflow (docs/action.md)");
  const event = JSON.parse(readFileSync(eventPath, "utf8")) as Record<string, unknown>;
  const given = inputOf(env, "token");
  const token = given || env.GITHUB_TOKEN || "";
  if (!token)
    throw E.usage(
      "No token: the action needs one to report checks and open PRs.",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint is workflow YAML, not a template literal
      "with:\n  token: ${{ secrets.GITHUB_TOKEN }}",
    );
  return {
    mode: mode as ActionMode,
    eventName: env.GITHUB_EVENT_NAME ?? "",
    event,
    owner,
    repo,
    apiUrl: env.GITHUB_API_URL || "https://api.github.com",
    token,
    defaultToken: !given || given === env.GITHUB_TOKEN,
    input: (name) => inputOf(env, name),
    outputPath: env.GITHUB_OUTPUT || null,
    summaryPath: env.GITHUB_STEP_SUMMARY || null,
  };
}

/** Appends outputs in the runner's `name<<DELIMITER` form, which holds any value, newlines included. */
export function writeOutputs(path: string | null, values: Record<string, string>): void {
  if (!path) return;
  let text = "";
  for (const [name, value] of Object.entries(values)) {
    const delimiter = `firebreak_${randomBytes(8).toString("hex")}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(path, text);
}

export function appendSummary(path: string | null, markdown: string): void {
  if (path) appendFileSync(path, `${markdown}\n`);
}

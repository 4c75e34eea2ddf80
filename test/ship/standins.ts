// Stand-in executables for the platform CLIs, put first on PATH by the tests. Each records its
// argv, working directory (and the commit checked out there) and whether its token arrived in the
// environment, then prints what the real CLI prints according to its documentation:
//   vercel deploy    stdout is the deployment URL (https://vercel.com/docs/cli/deploy)
//   netlify deploy   --json: { site_id, site_name, deploy_id, deploy_url, url, logs }
//   railway up       "Build Logs: https://railway.com/project/<p>/service/<s>?id=<deployment>"
//   eb status        "Deployed Version: <label>", "CNAME: <host>"; eb deploy prints its events
// State (current deploy, version label) lives in a JSON file in the stand-in folder.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PRELUDE = `import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
const dir = process.env.STANDIN_DIR;
const args = process.argv.slice(2);
const stateFile = dir + "/state.json";
const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : {};
const save = () => writeFileSync(stateFile, JSON.stringify(state));
let head = null;
try { head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch {}
const stdin = process.stdin.isTTY ? "" : await new Promise((r) => { let s = ""; process.stdin.on("data", (c) => (s += c)); process.stdin.on("end", () => r(s)); });
const tokenVar = process.env.STANDIN_TOKEN_VAR;
appendFileSync(dir + "/calls.jsonl", JSON.stringify({ program: PROGRAM, args, cwd: process.cwd(), head, token: tokenVar ? process.env[tokenVar] ?? null : null, stdin }) + "\\n");
const n = (state.n = (state.n ?? 0) + 1);
`;

const PROGRAMS: Record<string, string> = {
  vercel: `
if (args[0] === "deploy") {
  console.error("Vercel CLI 39.1.0");
  console.error("Using token " + process.env.VERCEL_TOKEN); // a CLI that echoes its token: Firebreak must redact it
  console.error("Inspect: https://vercel.com/acme/api/dpl" + n + " [2s]");
  const url = "https://api-" + n + "abc-acme.vercel.app";
  console.error("Production: " + url + " [4s]");
  console.log(url);
} else if (args[0] === "rollback") {
  console.error("Vercel CLI 39.1.0");
  console.error("> Success! api was rolled back to the previous production deployment");
} else if (args[0] === "env" || args[0] === "redeploy") {
  if (args[0] === "redeploy") console.log("https://api-" + n + "re-acme.vercel.app");
  else console.error("Added Environment Variable " + args[2] + " to Project api [100ms]");
} else process.exit(2);
save();
`,
  netlify: `
state.deploys ??= [{ id: "d-0", state: "ready", title: "before firebreak", context: "production", published_at: "2026-11-01T00:00:00Z", created_at: "2026-11-01T00:00:00Z" }];
if (args[0] === "deploy") {
  const title = args[args.indexOf("--message") + 1];
  const id = "d-" + n;
  state.deploys.unshift({ id, state: "ready", title, context: "production", published_at: new Date().toISOString(), created_at: new Date().toISOString() });
  console.log(JSON.stringify({ site_id: "site-1", site_name: "acme", deploy_id: id, deploy_url: "https://" + id + "--acme.netlify.app", url: "https://acme.netlify.app", logs: "https://app.netlify.com/sites/acme/deploys/" + id }, null, 2));
} else if (args[0] === "api" && args[1] === "listSiteDeploys") {
  console.log(JSON.stringify(state.deploys, null, 2));
} else if (args[0] === "api" && args[1] === "restoreSiteDeploy") {
  const data = JSON.parse(args[args.indexOf("--data") + 1]);
  console.log(JSON.stringify({ id: data.deploy_id, state: "ready" }));
} else if (args[0] === "env:set") {
  console.log("Set environment variable " + args[1] + "=" + args[2] + " in the production context");
} else process.exit(2);
save();
`,
  railway: `
if (args[0] === "up") {
  console.log("Indexing...");
  console.log("Uploading...");
  console.log("  Build Logs: https://railway.com/project/p-1/service/s-1?id=dep-" + n + "&");
  console.log("Deploy complete");
} else if (args[0] === "variables") {
  console.log("Set variables " + args[2]);
} else process.exit(2);
save();
`,
  eb: `
state.label ??= "app-241101_000000";
if (args[0] === "status") {
  console.log("Environment details for: " + args[1]);
  console.log("  Application name: api");
  console.log("  Region: us-east-1");
  console.log("  Deployed Version: " + state.label);
  console.log("  Environment ID: e-abc123");
  console.log("  CNAME: " + args[1] + ".eba-abc123.us-east-1.elasticbeanstalk.com");
  console.log("  Status: Ready");
  console.log("  Health: Green");
} else if (args[0] === "deploy") {
  const label = args.includes("--version") ? args[args.indexOf("--version") + 1] : args[args.indexOf("--label") + 1];
  if (!args.includes("--version")) {
    console.log('Creating application version archive "' + label + '".');
    console.log("Uploading api/" + label + ".zip to S3. This may take a while.");
    console.log("Upload Complete.");
  }
  console.log("2026-11-27 10:00:00    INFO    Environment update is starting.");
  console.log("2026-11-27 10:00:30    INFO    Deploying new version to instance(s).");
  console.log("2026-11-27 10:01:10    INFO    Environment update completed successfully.");
  state.label = label;
} else if (args[0] === "setenv") {
  console.log("2026-11-27 10:02:00    INFO    Environment update completed successfully.");
} else process.exit(2);
save();
`,
};

export interface StandIns {
  bin: string;
  dir: string;
  env(tokenVar: string, token: string): Record<string, string>;
  calls(): { program: string; args: string[]; cwd: string; head: string | null; token: string | null; stdin: string }[];
}

export function makeStandIns(root: string): StandIns {
  const dir = join(root, "standins");
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(PROGRAMS)) {
    writeFileSync(join(dir, `${name}.mjs`), PRELUDE.replace(/PROGRAM/g, JSON.stringify(name)) + body);
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, `${name}.mjs`)}" "$@"\n`);
    chmodSync(file, 0o755);
  }
  return {
    bin,
    dir,
    env: (tokenVar, token) => ({ PATH: `${bin}:${process.env.PATH}`, STANDIN_DIR: dir, STANDIN_TOKEN_VAR: tokenVar, [tokenVar]: token }),
    calls: () =>
      existsSync(join(dir, "calls.jsonl"))
        ? readFileSync(join(dir, "calls.jsonl"), "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
  };
}

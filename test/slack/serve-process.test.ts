// `firebreak serve` as a real process with the Slack app set up from its environment: mounted
// when both secrets are set (a signed command is answered, an unsigned one refused), neither
// secret in its logs; without them, /slack is not there at all.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SlackStandIn } from "../helpers/slack-contract-server.js";
import { CLI, firebreak } from "../helpers/cli.js";

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "firebreak-slack-serve-"));
let slack: SlackStandIn | undefined;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await slack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `firebreak serve --port 0` and waits for its "listening" line (bounded). */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; logs: () => string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", join(dir, "server.db")], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_SLACK_SIGNING_SECRET: "", FIREBREAK_SLACK_BOT_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const exited = new Promise((r) => child.on("exit", r));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url, logs: () => out, exited });
      }
    });
    child.on("exit", () => reject(new Error(`serve exited:\n${out}`)));
  });
}

describe("firebreak serve with the Slack app", () => {
  it("mounts /slack from FIREBREAK_SLACK_*: signed commands answered, unsigned refused, no secret logged", async () => {
    slack = await new SlackStandIn().start();
    // The token commands work on an existing server database: --init-admin makes it.
    expect((await firebreak(dir, ["serve", "--init-admin", "--data", join(dir, "server.db")])).code).toBe(0);
    expect(
      (await firebreak(dir, ["token", "create", "--name", "alice", "--role", "responder", "--data", join(dir, "server.db")])).code,
    ).toBe(0);
    const code = /FBL-[0-9A-F]{12}/.exec(
      (await firebreak(dir, ["slack", "link-code", "--name", "alice", "--data", join(dir, "server.db")])).stdout,
    )?.[0];
    const s = await serve({
      FIREBREAK_SLACK_SIGNING_SECRET: slack.signingSecret,
      FIREBREAK_SLACK_BOT_TOKEN: slack.botToken,
      FIREBREAK_SLACK_API_URL: slack.apiUrl,
      FIREBREAK_SLACK_CHANNEL: "C_INC",
    });
    const send = (r: { path: string; body: string; contentType: string }, headers: Record<string, string>) =>
      fetch(s.url + r.path, { method: "POST", headers: { "content-type": r.contentType, ...headers }, body: r.body });

    const link = slack.command("U_ALICE", `link ${code}`);
    expect((await send(link, slack.sign(link.body))).status).toBe(200);
    const answer = await slack.waitFor("the link answer", () => slack!.answersTo(link.responseId)[0]);
    expect(String(answer.text)).toContain("you act as alice (responder)");
    const unsigned = slack.command("U_ALICE", "help");
    expect((await send(unsigned, {})).status).toBe(401);

    s.child.kill("SIGTERM");
    await s.exited;
    const logs = s.logs();
    expect(logs).toContain('"route":"/slack/commands"');
    expect(logs).toContain("slack request refused");
    for (const secret of [slack.signingSecret, slack.botToken]) expect(logs).not.toContain(secret);
  });

  it("without the secrets /slack is not there", async () => {
    const s = await serve({});
    const res = await fetch(`${s.url}/slack/commands`, { method: "POST", body: "text=help" });
    expect(res.status).toBe(404);
    s.child.kill("SIGTERM");
    await s.exited;
  });
});

// firebreak login URL [--with-token]: checks the token with the server, saves it (0600, in the
// user's config directory) and points this clone's record at the server. The token is read from
// stdin (--with-token, or any stdin that is not a terminal) or asked for without echo: a token on
// the command line would stay in the shell's history and in `ps`.

import { createInterface } from "node:readline";
import type { CommandInput } from "../run-command.js";
import { FirebreakError, isFirebreakError } from "../../errors.js";
import { PromptInterrupted } from "../prompts.js";
import { credentialsPath, normalizeServerUrl, saveLogin, useServer, whoamiAt } from "../../app/server-login.js";
import { registerSecret } from "../../redact.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** Asks for the token on the terminal without echoing it. */
async function askHidden(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput(s: string): void };
  process.stderr.write(prompt);
  out._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.question("", (a) => resolve(a.trim()));
      // Ctrl-C stops the login like Ctrl-C anywhere (130); Ctrl-D is an empty answer.
      rl.on("SIGINT", () => reject(new PromptInterrupted()));
      rl.on("close", () => resolve(""));
    });
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  let url: string;
  try {
    url = normalizeServerUrl(args[0] ?? "");
  } catch (e) {
    throw new FirebreakError({
      code: "USAGE",
      message: `firebreak login needs the server's address: ${(e as Error).message}.`,
      next: "firebreak login https://firebreak.example.com",
    });
  }
  const token =
    opts.withToken || !process.stdin.isTTY ? await readStdin() : await askHidden(`Token for ${url} (from firebreak token create): `);
  registerSecret(token);
  if (!token)
    throw new FirebreakError({
      code: "USAGE",
      message: "No token was given.",
      next: `an admin makes one with firebreak token create --name <you> --role responder; then: firebreak login ${url} --with-token < token-file`,
    });
  // The server says who this token is; a wrong token is refused here, before anything is saved.
  const who = await whoamiAt(url, token).catch((e: unknown) => {
    if (!isFirebreakError(e) || e.code !== "SERVER_UNREACHABLE") throw e;
    throw new FirebreakError({
      code: "SERVER_UNREACHABLE",
      message: e.message.replace(/: nothing was read or written there by this call\.$/, ": nothing was saved."),
      why: "firebreak login checks the token with the server before saving it.",
      next: `check the address and that firebreak serve runs there (${url}/healthz answers {"ok":true}), then: firebreak login ${url}`,
    });
  });
  saveLogin(app.env, url, token, who);
  const inRepo = await app.git.isRepo();
  if (inRepo) useServer(await app.git.commonDir(), url);
  out.data({ server: url, name: who.name, role: who.role, kind: who.kind, clone: inRepo });
  out.line(
    `Logged in to ${url} as ${who.name} (${who.role}, ${who.kind}${who.team && who.team !== "default" ? `, team ${who.team}` : ""}); the token is saved in ${credentialsPath(app.env)} (readable by you alone).`,
  );
  out.line(
    inRepo
      ? "This clone's record is now on the server: incidents, timelines and locks are the team's; git pushes and deploys still run here."
      : "Run firebreak login in a clone to keep its record on this server (or set FIREBREAK_SERVER).",
  );
  out.next(inRepo ? "firebreak list" : `cd into a clone, then: firebreak login ${url}`);
  return 0;
}

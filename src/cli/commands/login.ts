// firebreak login URL [--with-token]: checks the token with the server, saves it (0600, in the
// user's config directory) and points this clone's record at the server. The token is read from
// stdin (--with-token, or any stdin that is not a terminal) or asked for without echo: a token on
// the command line would stay in the shell's history and in `ps`.

import { createInterface } from "node:readline";
import type { CommandInput } from "../run-command.js";
import { FirebreakError } from "../../errors.js";
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
    return await new Promise<string>((resolve) => rl.question("", (a) => resolve(a.trim())));
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
  const who = await whoamiAt(url, token);
  saveLogin(app.env, url, token, who);
  const inRepo = await app.git.isRepo();
  if (inRepo) useServer(await app.git.commonDir(), url);
  out.data({ server: url, name: who.name, role: who.role, kind: who.kind, clone: inRepo });
  out.line(
    `Logged in to ${url} as ${who.name} (${who.role}, ${who.kind}); the token is saved in ${credentialsPath(app.env)} (readable by you alone).`,
  );
  out.line(
    inRepo
      ? "This clone's record is now on the server: incidents, timelines and locks are the team's; git pushes and deploys still run here."
      : "Run firebreak login in a clone to keep its record on this server (or set FIREBREAK_SERVER).",
  );
  out.next("firebreak list");
  return 0;
}

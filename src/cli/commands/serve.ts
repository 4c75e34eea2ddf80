// firebreak serve [--host] [--port] [--data file] [--init-admin [--team NAME]]
// --init-admin --team NAME adds a team to the server: its first admin token, printed once. One
// database holds every team; each token sees and works on its own team's incidents only.
// Runs until SIGTERM or SIGINT, then drains: readiness fails, in-flight requests finish, the store closes.

import type { CommandInput } from "../run-command.js";
import { startServer } from "../../server/serve.js";
import { jsonLogger } from "../../server/log.js";
import { dataFlag, teamOf, withOperator } from "../../server/operator.js";
import { DEFAULT_TEAM, parseTeamName } from "../../domain/access.js";
import { stopSignal } from "../../stop.js";
import { E } from "../../errors.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  const data = String(opts.data);
  if (opts.initAdmin) {
    const team = teamOf(opts);
    const flag = dataFlag(process.env, data, team);
    const which = team === DEFAULT_TEAM ? "This server" : `The team ${team}`;
    return withOperator(
      process.env,
      data,
      async (ops) => {
        if ((await ops.count()) > 0)
          throw E.usage(
            `${which} already has tokens: the first admin token is created only once.`,
            `firebreak token create --name <name> --role admin${flag}`,
          );
        const { secret, token } = await ops.create({ name: "admin", role: "admin", kind: "person" }, "init-admin");
        out.issued(
          team === DEFAULT_TEAM
            ? "First admin token (shown once, kept only as a hash):"
            : `First admin token of the team ${team} (shown once, kept only as a hash):`,
          secret,
          { id: token.id, team },
        );
        out.next(`firebreak token create --name alice --role responder${flag}   # then give each person their own`);
        return 0;
      },
      // --init-admin is what makes a new server's database.
      { create: true, team },
    );
  }
  if (typeof opts.team === "string")
    throw E.usage(
      "--team names the team of --init-admin: a running server serves every team.",
      `firebreak serve --init-admin --team ${parseTeamName(opts.team)}`,
    );
  const port = Number(opts.port);
  const rateLimit = Number(opts.rateLimit);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw E.usage("--port must be 0–65535.", "firebreak serve --port 8080");
  if (!Number.isInteger(rateLimit) || rateLimit < 1)
    throw E.usage("--rate-limit must be a whole number above 0.", "firebreak serve --rate-limit 1200");
  const log = jsonLogger((l) => process.stdout.write(l));
  const server = await startServer({ env: process.env, sqlitePath: data, host: String(opts.host), port, log, rateLimit });
  // A new database has no token, so nobody can sign in and the server would only answer 401:
  // said once at start, on stderr (stdout is the JSON log), with the command that makes the first.
  if ((await server.storage.records.countTokensInAnyTeam()) === 0) {
    out.warn("No one can sign in yet: this server's database has no tokens.");
    out.info(
      `${out.bold("Next:")} firebreak serve --init-admin${dataFlag(process.env, data)}   # in another terminal; this server accepts the admin token it prints at once`,
    );
  }
  const stop = stopSignal();
  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener("abort", () => resolve(), { once: true })));
  await server.close();
  return 0;
}

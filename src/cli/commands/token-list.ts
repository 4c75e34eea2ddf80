// firebreak token list

import type { CommandInput } from "../run-command.js";
import { dataFlag, teamOf, withOperator } from "../../server/operator.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  return withOperator(
    process.env,
    String(opts.data),
    async (ops) => {
      const tokens = await ops.list();
      out.data({ tokens });
      for (const t of tokens)
        out.line(
          `${t.id}  ${t.name}  ${t.role}  ${t.kind}  ${t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : "no expiry"}  last used ${t.lastUsedAt ?? "never"}`,
        );
      if (tokens.length === 0) out.line("No tokens yet.");
      const flag = dataFlag(process.env, String(opts.data), opts.team);
      out.next(
        tokens.length === 0 ? `firebreak serve --init-admin${flag}` : `firebreak token create --name <name> --role responder${flag}`,
      );
      return 0;
    },
    { team: teamOf(opts) },
  );
}

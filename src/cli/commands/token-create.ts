// firebreak token create --name N --role R [--kind K] [--expires ISO] [--incident ID]

import type { CommandInput } from "../run-command.js";
import { dataFlag, teamOf, withOperator } from "../../server/operator.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  return withOperator(
    process.env,
    String(opts.data),
    async (ops) => {
      const { secret, token } = await ops.create(
        {
          name: String(opts.name),
          role: String(opts.role),
          kind: String(opts.kind),
          expiresAt: typeof opts.expires === "string" ? opts.expires : null,
          incidentScope: typeof opts.incident === "string" ? opts.incident : null,
        },
        "operator",
      );
      out.issued(`Token ${token.id} for ${token.name} (${token.role}, ${token.kind}); shown once, kept only as a hash:`, secret, {
        ...token,
      });
      out.next(
        `give it to ${token.name}; to revoke it: firebreak token revoke ${token.id}${dataFlag(process.env, String(opts.data), opts.team)}`,
      );
      return 0;
    },
    { team: teamOf(opts) },
  );
}

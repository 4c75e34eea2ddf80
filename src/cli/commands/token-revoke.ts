// firebreak token revoke tok_…

import type { CommandInput } from "../run-command.js";
import { dataFlag, teamOf, withOperator } from "../../server/operator.js";

export async function run({ out, args, opts }: CommandInput): Promise<number> {
  const id = args[0] ?? "";
  return withOperator(
    process.env,
    String(opts.data),
    async (ops) => {
      await ops.revoke(id, "operator");
      out.data({ revoked: id });
      out.success(`Revoked ${id}: every request with it is refused from now on.`);
      out.next(`firebreak token list${dataFlag(process.env, String(opts.data), opts.team)}`);
      return 0;
    },
    { team: teamOf(opts) },
  );
}

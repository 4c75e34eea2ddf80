// firebreak audit [--verify]

import type { CommandInput } from "../run-command.js";
import { dataFlag, teamOf, verifyAudit, withOperator } from "../../server/operator.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  return withOperator(
    process.env,
    String(opts.data),
    async (ops) => {
      const entries = await ops.audit();
      if (opts.verify) {
        const n = verifyAudit(entries);
        out.data({ ok: true, checked: n });
        out.success(`The audit log's ${n} entries check out: none was edited, deleted or moved.`);
        out.next(`firebreak audit${dataFlag(process.env, String(opts.data), opts.team)}`);
        return 0;
      }
      out.data({ entries });
      for (const e of entries) out.line(`${e.seq}  ${e.at}  ${e.actor}  ${e.action}  ${e.target}  ${JSON.stringify(e.data)}`);
      if (entries.length === 0) out.line("The audit log is empty.");
      out.next(`firebreak audit --verify${dataFlag(process.env, String(opts.data), opts.team)}`);
      return 0;
    },
    { team: teamOf(opts) },
  );
}

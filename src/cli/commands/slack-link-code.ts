// firebreak slack link-code --name N: a one-time code that links a Slack user to N's person token.

import type { CommandInput } from "../run-command.js";
import { slackLinkCode } from "../../server/slack/operator.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  const { code, expiresAt, token } = await slackLinkCode(
    process.env,
    String(opts.data),
    String(opts.name),
    typeof opts.team === "string" ? opts.team : undefined,
  );
  out.data({ code, expiresAt, token: token.id, name: token.name, role: token.role });
  out.line(`Link code for ${token.name} (${token.role}), works once until ${expiresAt}:`);
  out.line(code);
  out.next(`give it to ${token.name}, who types in Slack: /firebreak link ${code}`);
  return 0;
}

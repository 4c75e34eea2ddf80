// Who a Slack user is to Firebreak: the person whose token their link names (made with a one-time
// code from `firebreak slack link-code`). The link acts with that token's name, role and kind; a
// revoked or expired token ends what the link may do. Anyone else only reads, like a viewer with
// no memberships (so never a private incident) of the Slack app's team. A link acts in its token's
// team: the code, made for a token, says which.

import { FirebreakError } from "../../errors.js";
import type { ServerRecords, TokenRecord } from "../../store/server-records.js";
import type { Caller } from "../access.js";

export interface SlackUser {
  teamId: string;
  userId: string;
}

export type Identity = { linked: true; caller: Caller } | { linked: false; caller: Caller; why: string };

const reader = (u: SlackUser, team: string): Caller => ({
  token: {
    id: `slack_${u.userId}`,
    team,
    name: `slack:${u.userId}`,
    role: "viewer",
    kind: "person",
    createdAt: new Date(0).toISOString(),
    expiresAt: null,
    incidentScope: null,
    lastUsedAt: null,
    revokedAt: null,
  },
  memberships: new Set(),
});

const active = (t: TokenRecord | undefined, now: Date): t is TokenRecord =>
  t !== undefined && t.revokedAt === null && (t.expiresAt === null || Date.parse(t.expiresAt) > now.getTime());

/** Who the Slack user is: their link's token (in its own team), else a reader of `records`' team. */
export async function identify(records: ServerRecords, u: SlackUser, now: Date): Promise<Identity> {
  const tokenId = await records.slack().linkedToken(u.teamId, u.userId);
  if (!tokenId) return { linked: false, caller: reader(u, records.team), why: "your Slack user is not linked to a Firebreak person" };
  const token = await records.tokenByIdInAnyTeam(tokenId);
  if (!active(token, now))
    return { linked: false, caller: reader(u, records.team), why: "the token your link names was revoked or has expired" };
  return { linked: true, caller: { token, memberships: await records.forTeam(token.team).membershipsOf(token.name) } };
}

/** The refusal for a write by someone who may only read. */
export const notLinked = (why: string) =>
  new FirebreakError({
    code: "SLACK_NOT_LINKED",
    message: `Only a linked person may do this: ${why}. Nothing was done.`,
    next: "ask an operator for a code (firebreak slack link-code --name <you>), then /firebreak link <code>",
  });

/** `firebreak slack link-code --name N`: a one-time code for the newest active person token named N. */
export async function issueLinkCode(records: ServerRecords, name: string, now: Date) {
  const token = (await records.listTokens()).filter((t) => t.name === name && t.kind === "person" && active(t, now)).at(-1);
  if (!token)
    throw new FirebreakError({
      code: "USAGE",
      message: `No active person token named ${name}: a Slack user acts as a token's person.`,
      next: `firebreak token create --name ${name} --role responder   # then firebreak slack link-code --name ${name}`,
    });
  const made = await records.slack().createLinkCode(token.id);
  await records.audit("operator", "slack.link-code", token.id, { name: token.name, expiresAt: made.expiresAt });
  return { ...made, token };
}

/** `/firebreak link CODE`: links this Slack user to the code's token; the code is used up. */
export async function linkWithCode(records: ServerRecords, u: SlackUser, code: string, now: Date): Promise<TokenRecord> {
  const tokenId = /^FBL-[0-9A-F]{12}$/i.test(code.trim()) ? await records.slack().useLinkCode(code) : undefined;
  const token = tokenId ? await records.tokenByIdInAnyTeam(tokenId) : undefined;
  if (!active(token, now))
    throw new FirebreakError({
      code: "SLACK_LINK_CODE_INVALID",
      message: "That link code is unknown, used or expired. Nothing was linked.",
      next: "ask an operator for a new code: firebreak slack link-code --name <you>",
    });
  const mine = records.forTeam(token.team);
  await mine.slack().link(u.teamId, u.userId, token.id);
  await mine.audit(token.name, "slack.linked", token.id, { slackUser: u.userId, team: u.teamId });
  return token;
}

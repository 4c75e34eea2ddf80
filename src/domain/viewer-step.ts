// On a team server, `status` is read by people with different roles: the checklist's next step is
// the fixer's, and an approver or a viewer reading it needs to know what is theirs. This says,
// from the role the server gives the reader's token, whether the next step is theirs, and which
// step is when it is not.

import { ownFixCommits, roleAtLeast, type Role } from "./access.js";
import type { IncidentState } from "./state/state.js";

export interface Reader {
  name: string;
  role: string;
  kind: "person" | "agent" | "service";
}

export type ReaderStep =
  /** The checklist's next step is one this reader may take. */
  | { kind: "theirs" }
  /** A step only this reader's role may take is owed; the fixer's next step is said beside it. */
  | { kind: "yours"; command: string; why: string }
  /** Nothing on the checklist is this reader's to do: the next step is named as someone else's. */
  | { kind: "others"; who: string };

export function readerStep(
  reader: Reader,
  o: { ticket: string; nextItem: string | null; approvalOwed: boolean; state: IncidentState },
): ReaderStep {
  const role = reader.role as Role;
  if (!roleAtLeast(role, "responder")) return { kind: "others", who: "a responder" };
  // An approval is owed, there is a PR to review, and this reader may give it: that is their step.
  const mayApprove = roleAtLeast(role, "approver") && reader.kind === "person" && ownFixCommits(o.state, reader.name).length === 0;
  if (o.approvalOwed && mayApprove && o.state.prOpened && o.nextItem !== "approval")
    return {
      kind: "yours",
      command: `firebreak approve --ticket ${o.ticket}`,
      why: `the fix waits for an approval, and ${reader.name} is an approver who made none of its commits`,
    };
  if (o.nextItem === "approval" && !mayApprove)
    return {
      kind: "others",
      who: reader.kind === "person" ? "an approver who made none of the fix's commits" : "a person with the approver role",
    };
  return { kind: "theirs" };
}

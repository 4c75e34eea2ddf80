// The .firebreak.yml sections that review reads: where reviews are written, and the tracker that
// follow-up tickets and the ticket's resolution comment go to. Every key is optional, so files
// written before these sections existed keep loading.
//
//   review:
//     dir: docs/incidents          # where `firebreak review --write` puts ENG-1234.md (+ .html, .svg, .ics)
//     meetingMinutes: 60           # length of the meeting `review --schedule` invites to
//   tracker:
//     type: linear                 # github | linear (default: the forge: GitHub issues, or files offline)
//     teamId: 9cfb…                # Linear team that follow-ups are opened in
//     token: env:LINEAR_API_KEY    # Linear API key (GitHub uses forge.token)
//     issuePattern: "^GH-(\\d+)$"  # GitHub: which tickets are issues (group 1 is the number)

import * as z from "zod";
import { plain, positiveInt, regexSource, secretRef } from "./schema-parts.js";

export const DEFAULT_REVIEW_DIR = "docs/incidents";
export const DEFAULT_ISSUE_PATTERN = "^(?:GH-|#)(\\d+)$";

export const reviewSections = {
  review: z
    .object({
      dir: plain()
        .refine((v) => !v.split(/[\\/]/).includes(".."), { message: "must stay inside the repository (no ..)" })
        .optional(),
      meetingMinutes: positiveInt()
        .max(8 * 60)
        .optional(),
    })
    .prefault({}),
  tracker: z
    .object({
      type: z.enum(["github", "linear"]).optional(),
      teamId: plain().optional(),
      token: secretRef.optional(),
      // Tests and proxies only; Linear's API is https://api.linear.app/graphql.
      apiUrl: plain()
        .pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
        .optional(),
      issuePattern: regexSource
        .refine((v) => /\((?!\?)/.test(v), { message: "needs one capture group for the issue number, e.g. ^GH-(\\d+)$" })
        .optional(),
    })
    .prefault({}),
};

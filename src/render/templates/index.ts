// Default templates by name, and the team's overrides in <repo>/.firebreak/templates/<name>.

import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { FirebreakError } from "../../errors.js";
import { parseTemplate, type Channel } from "../template.js";
import { PR_BODY, PR_TITLE } from "./pr.js";
import { SLACK_MESSAGE } from "./slack.js";
import { TEAMS_MESSAGE } from "./teams.js";
import { STATUSPAGE_BODY, STATUSPAGE_NAME } from "./statuspage.js";
import { EMAIL_HTML, EMAIL_SUBJECT, EMAIL_TEXT } from "./email.js";
import { STATUS_PAGE_HTML } from "./status-page.js";
import { BACKPORT_PR_BODY, BACKPORT_PR_TITLE } from "./backport-pr.js";

export interface TemplateDef {
  channel: Channel;
  text: string;
}

export const TEMPLATES = {
  "pr-title.txt": { channel: "plain", text: PR_TITLE },
  "pr-body.md": { channel: "markdown", text: PR_BODY },
  "slack.txt": { channel: "slack", text: SLACK_MESSAGE },
  "teams.md": { channel: "markdown", text: TEAMS_MESSAGE },
  "statuspage-name.txt": { channel: "plain", text: STATUSPAGE_NAME },
  "statuspage-body.txt": { channel: "plain", text: STATUSPAGE_BODY },
  "email-subject.txt": { channel: "plain", text: EMAIL_SUBJECT },
  "email.txt": { channel: "plain", text: EMAIL_TEXT },
  "email.html": { channel: "html", text: EMAIL_HTML },
  "status-page.html": { channel: "html", text: STATUS_PAGE_HTML },
  "backport-pr-title.txt": { channel: "plain", text: BACKPORT_PR_TITLE },
  "backport-pr-body.md": { channel: "markdown", text: BACKPORT_PR_BODY },
} as const satisfies Record<string, TemplateDef>;

export type TemplateName = keyof typeof TEMPLATES;

export const OVERRIDE_DIR = join(".firebreak", "templates");
const MAX_BYTES = 256 * 1024;

export interface LoadedTemplate {
  name: TemplateName;
  channel: Channel;
  text: string;
  source: string; // "default" or the override's path relative to the repository
}

/** The team's override when `<repoRoot>/.firebreak/templates/<name>` exists, else the default. Parsed, so a broken override fails here. */
export async function loadTemplate(repoRoot: string | null, name: TemplateName): Promise<LoadedTemplate> {
  const def = TEMPLATES[name];
  if (repoRoot !== null) {
    const rel = join(OVERRIDE_DIR, name);
    const file = join(repoRoot, rel);
    const st = await lstat(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "ENOTDIR") return null;
      throw e;
    });
    if (st) {
      if (!st.isFile() || st.size > MAX_BYTES) {
        throw new FirebreakError({
          code: "TEMPLATE_INVALID",
          message: `${rel} must be a regular file under ${MAX_BYTES / 1024} KB (a symbolic link or folder is not read).`,
          next: `replace ${rel} with the template text, or delete it to use the default`,
        });
      }
      const text = await readFile(file, "utf8");
      parseTemplate(text, rel);
      return { name, channel: def.channel, text, source: rel };
    }
  }
  return { name, channel: def.channel, text: def.text, source: "default" };
}

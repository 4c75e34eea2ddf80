// Who gets the e-mail: the addresses listed in notify.email.to and/or one per line in
// notify.email.recipientsFile (blank lines and # comments skipped). Each address is checked on its
// own; a bad line is reported and left out, never allowed to become a header.

import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { EMAIL_ADDRESS } from "../config/schema-notify.js";
import { FirebreakError } from "../errors.js";

export interface Recipients {
  addresses: string[]; // unique (case-insensitively), in the order first seen
  invalid: { line: number | null; reason: string }[];
}

const MAX_FILE = 10 * 1024 * 1024;

export async function readRecipients(list: string[] | undefined, file: string | undefined, repoRoot: string): Promise<Recipients> {
  const seen = new Set<string>();
  const addresses: string[] = [];
  const invalid: Recipients["invalid"] = [];
  const add = (raw: string, line: number | null) => {
    const a = raw.trim();
    if (!EMAIL_ADDRESS.test(a) || a.length > 254) {
      invalid.push({ line, reason: line === null ? "an entry of notify.email.to is not one address" : `line ${line} is not one address` });
      return;
    }
    const key = a.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      addresses.push(a);
    }
  };
  for (const a of list ?? []) add(a, null);
  if (file) {
    const path = isAbsolute(file) ? file : join(repoRoot, file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      throw new FirebreakError({
        code: "RECIPIENTS_UNREADABLE",
        message: `The recipients file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}).`,
        next: "check notify.email.recipientsFile in .firebreak.yml (a path from the repository root)",
      });
    }
    if (text.length > MAX_FILE)
      throw new FirebreakError({ code: "RECIPIENTS_UNREADABLE", message: `The recipients file ${file} is over 10 MB.` });
    text.split(/\r?\n/).forEach((l, i) => {
      const t = l.trim();
      if (t !== "" && !t.startsWith("#")) add(t, i + 1);
    });
  }
  return { addresses, invalid };
}

// firebreak init: a commented .firebreak.yml from what this repository looks like.

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandInput } from "../run-command.js";
import { detectProject } from "../../config/detect.js";
import { renderStarterConfig } from "../../config/starter.js";
import { FirebreakError } from "../../errors.js";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const root = await app.repoRoot();
  const detected = await detectProject(root);
  const text = renderStarterConfig(detected);
  if (opts.stdout) {
    process.stdout.write(text);
    return 0;
  }
  const file = join(root, ".firebreak.yml");
  if (existsSync(file) && !opts.force)
    throw new FirebreakError({ code: "CONFIG_EXISTS", message: `${file} already exists; it was left as it is.` });
  writeFileSync(file, text);
  out.data({ file, detected });
  out.success(`Wrote ${file} from what this repository looks like.`);
  out.fields(
    Object.entries(detected as unknown as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
      .map(([k, v]) => [k, String(v)] as [string, string]),
  );
  // Hotfix branches start from production on the remote: the config must be there, not only here.
  const remote = detected.remote ?? "origin";
  out.next(
    `read it, then commit it on ${detected.productionBranch} and push it: git add .firebreak.yml && git commit -m "chore: Firebreak config" && git push ${remote} ${detected.productionBranch}`,
  );
  return 0;
}

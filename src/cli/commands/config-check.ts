// firebreak config check: reads .firebreak.yml the way every command does and says whether it is
// valid (every problem at once, with file:line), what each step will use, and which secrets the
// file names that this environment does not have. Values of secrets are never printed.

import type { CommandInput } from "../run-command.js";
import type { Config } from "../../config/schema.js";
import { ENV_REF_RE } from "../../config/secrets.js";
import { configuredChannels } from "../../workflow/announce.js";
import { detectCheckCommands } from "../../checks/detect-commands.js";

/** Every env:NAME the file names, with the key that names it. */
export function secretRefs(value: unknown, path = ""): { key: string; name: string }[] {
  if (typeof value === "string") {
    const m = ENV_REF_RE.exec(value);
    return m ? [{ key: path, name: m[1]! }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => secretRefs(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => secretRefs(v, path ? `${path}.${k}` : k));
  return [];
}

function uses(c: Config, root: string): Array<[string, string]> {
  // The same lookup `firebreak check` does: config first, then package.json scripts.
  const checks = detectCheckCommands(root, { test: c.checks.test, typecheck: c.checks.typecheck, build: c.checks.build });
  const deployers = (["staging", "production"] as const)
    .map((env) => {
      const d = (c.deploy as Record<string, { type?: string } | undefined>)[env];
      return d?.type ? `${env}: ${d.type}` : null;
    })
    .filter(Boolean);
  return [
    ["production", `${c.production.remote}/${c.production.branch}`],
    ["forge", c.forge.type === "github" ? `github${c.forge.repo ? ` (${c.forge.repo})` : ""}` : "git (offline)"],
    ["checks", checks.map((k) => `${k.name}: ${k.command ?? "none found"}`).join(", ")],
    ["deploy", deployers.join(", ") || "none configured"],
    ["verify", `${c.verify.smoke.length} smoke test(s), ${c.verify.metrics.length} metric(s)`],
    ["notify", configuredChannels(c.notify).join(", ") || "no channel"],
    ["backport", (c.backport.targets ?? []).map((t) => t.branch).join(", ") || "no targets"],
  ];
}

export async function run({ app, out }: CommandInput): Promise<number> {
  // An invalid file throws here with every problem listed (exit 7).
  const { config, file, warnings } = await app.loadConfig();
  const refs = secretRefs(config);
  const missing = refs.filter((r) => !app.env[r.name]);
  out.data({ file, valid: true, warnings, secrets: refs.map((r) => ({ ...r, set: Boolean(app.env[r.name]) })) });
  if (!file) {
    out.line("No .firebreak.yml here: every setting has its default.");
    out.next("firebreak init   # writes a commented one from what this repository looks like");
    return 0;
  }
  out.success(`${file} is valid.`);
  for (const w of warnings) out.warn(w);
  out.fields(uses(config, await app.repoRoot()));
  if (refs.length > 0) {
    out.line("");
    out.line("Secrets it names (values never shown):");
    for (const r of refs)
      out.line(`  ${app.env[r.name] ? out.green("✔ set    ") : out.yellow("! not set")}  ${r.name}  ${out.dim(`(${r.key})`)}`);
  }
  out.next(missing.length > 0 ? `export ${missing[0]!.name}=…   # before the step that needs it (${missing[0]!.key})` : "firebreak triage");
  return 0;
}

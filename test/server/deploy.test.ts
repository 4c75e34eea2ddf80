// The operations files of docs/deploy/: the systemd unit is accepted by `systemd-analyze verify`
// where the tool exists (with the firebreak command it starts present: the one thing a machine
// without Firebreak installed cannot have), and both it and the container recipe start the server
// with options `firebreak serve` really has, stop it with SIGTERM and give the drain time.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";

const unit = readFileSync("docs/deploy/firebreak.service", "utf8");
const containerfile = readFileSync("docs/deploy/Containerfile", "utf8");

/** The unit's sections as key → values (a key may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      out[section] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    expect(eq, `not a key=value line: ${line}`).toBeGreaterThan(0);
    expect(section, `a setting before any section: ${line}`).not.toBe("");
    const key = line.slice(0, eq);
    (out[section]![key] ??= []).push(line.slice(eq + 1));
  }
  return out;
}

/** The options `firebreak serve --help` lists (the built CLI, as a user runs it). */
async function serveOptions(): Promise<string[]> {
  const help = await firebreak(tmpdir(), ["serve", "--help"]);
  expect(help.code, help.stderr).toBe(0);
  return [...help.stdout.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
}

describe("docs/deploy", () => {
  const units = parseUnit(unit);

  it("has a systemd unit that runs firebreak serve, stops it with SIGTERM and waits for the drain", async () => {
    const service = units.Service!;
    const exec = service.ExecStart![0]!.split(/\s+/);
    expect(exec[0]).toMatch(/^\/.*\/firebreak$/);
    expect(exec[1]).toBe("serve");
    const known = await serveOptions();
    for (const opt of exec.filter((a) => a.startsWith("--"))) expect(known, opt).toContain(opt);
    expect(service.KillSignal).toEqual(["SIGTERM"]);
    expect(Number.parseInt(service.TimeoutStopSec![0]!, 10)).toBeGreaterThanOrEqual(15);
    expect(service.EnvironmentFile![0]).toMatch(/^-?\/etc\/firebreak\//); // the database URL stays out of the unit
    expect(service.User).toEqual(["firebreak"]);
    expect(service.Restart).toEqual(["on-failure"]);
    expect(units.Install!.WantedBy).toEqual(["multi-user.target"]);
    expect(unit).not.toMatch(/^Environment=FIREBREAK_DATABASE_URL/m);
  });

  const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  it.runIf(analyze.status === 0)("is accepted by systemd-analyze verify", () => {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-unit-"));
    try {
      // The command the unit starts must exist for verify: an executable stands in for it.
      const bin = join(dir, "firebreak");
      writeFileSync(bin, "#!/bin/sh\nexit 0\n");
      chmodSync(bin, 0o755);
      const exec = units.Service!.ExecStart![0]!.split(/\s+/)[0]!;
      const file = join(dir, "firebreak.service");
      writeFileSync(file, unit.replace(`ExecStart=${exec} `, `ExecStart=${bin} `));
      const r = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
      expect(r.stderr.trim(), r.stderr).toBe("");
      expect(r.status).toBe(0);
      // And the check can fail: a misspelt setting is reported.
      writeFileSync(file, unit.replace("KillSignal=", "KilSignal="));
      const bad = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
      expect(bad.stderr).toContain("KilSignal");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a container recipe that builds the bundle, runs it unprivileged with a readiness check, and drains on SIGTERM", async () => {
    const from = [...containerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(from.length).toBe(2); // a build stage and a runtime stage without the compiler
    expect(containerfile).toMatch(/^RUN npm run build && npm prune --omit=dev$/m);
    expect(containerfile).toMatch(/^USER node$/m);
    expect(containerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(containerfile).toContain("/readyz");
    const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(containerfile)![1]!) as string[];
    expect(entry).toEqual(["node", "/app/dist/firebreak.js"]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(containerfile)![1]!) as string[];
    expect(cmd[0]).toBe("serve");
    const known = await serveOptions();
    for (const opt of cmd.filter((a) => a.startsWith("--"))) expect(known, opt).toContain(opt);
    // What the recipe copies in exists here, and is what the build makes and the bundle loads at run time.
    for (const m of containerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const src of m[1]!.split(/\s+/)) expect(existsSync(src), `COPY ${src}`).toBe(true);
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pkg.scripts.build).toBeDefined();
    expect(pkg.bin.firebreak).toBe("dist/firebreak.js");
  });
});

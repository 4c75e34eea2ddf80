// A team server token as a canary: given to `firebreak login` on stdin and as FIREBREAK_TOKEN, sent
// to a "server" that echoes the request (its Authorization header too) back in its error, as a
// misconfigured proxy does. The token must not appear in any output, nor in any file the CLI
// wrote except the one place it is kept on purpose: the user's credentials file (mode 0600).

import { afterEach, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesUnder, readAll, scan, type Canary } from "./canary-scan.js";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let echo: Server | undefined;
let repo: GitFixture | undefined;
let home: string | undefined;
afterEach(async () => {
  if (echo) await new Promise<void>((r) => echo!.close(() => r()));
  repo?.cleanup();
  if (home) rmSync(home, { recursive: true, force: true });
  echo = repo = home = undefined;
});

describe("canary: a team server token", () => {
  it("is never printed or written, even when the server echoes it back", async () => {
    const canary: Canary = { name: "ServerToken", core: `CnryServer${randomBytes(6).toString("hex")}` };
    const token = `fbk_${canary.core}`;
    // Answers like a Firebreak server the first time (so login saves the token), then echoes every
    // request inside a Firebreak-shaped error, the worst case for a client that prints errors.
    let calls = 0;
    echo = createServer((req, res) => {
      calls++;
      if (calls === 1)
        return res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ name: "alice", role: "responder", kind: "person" }));
      const said = `Cannot ${req.method} ${req.url} with ${JSON.stringify(req.headers)}`;
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { code: "SERVER_UNAUTHENTICATED", message: said, why: said, next: said, details: [said] } }));
    });
    await new Promise<void>((r) => echo!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    repo = makeRepo();
    home = mkdtempSync(join(tmpdir(), "firebreak-home-"));
    const env = { XDG_CONFIG_HOME: home };

    const outputs: string[] = [];
    const login = await firebreak(repo.work, ["login", url, "--with-token", "--json"], { env, input: token });
    outputs.push(login.stdout, login.stderr);
    expect(login.code, login.stderr).toBe(0);
    for (const args of [["list"], ["status", "ENG-1"], ["whoami", "--json"], ["note", "--ticket", "ENG-1", "x"]]) {
      const r = await firebreak(repo.work, args, { env });
      outputs.push(r.stdout, r.stderr);
      expect(r.code).toBe(4); // refused by the server, said in words
    }
    const viaEnv = await firebreak(repo.work, ["list"], { env: { ...env, FIREBREAK_SERVER: url, FIREBREAK_TOKEN: token } });
    outputs.push(viaEnv.stdout, viaEnv.stderr);
    expect(calls).toBeGreaterThan(5);

    const credentials = join(home, "firebreak", "credentials.json");
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const files = [...filesUnder(repo.root), ...filesUnder(home).filter((f) => f !== credentials)];
    const found = scan({ outputs: outputs.join("\n"), ...readAll(files) }, [canary]);
    expect(found).toEqual([]);
    // The credentials file holds it, so the scan above is not blind to where it is.
    expect(scan(readAll([credentials]), [canary]).length).toBeGreaterThan(0);
  });

  it("is never kept offline: pasted into --reason while the server is down, it is masked in the journal, the offline record and every line", async () => {
    const canary: Canary = { name: "ServerToken", core: `CnryOffline${randomBytes(6).toString("hex")}` };
    const token = `fbk_${canary.core}`;
    echo = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "alice", role: "commander", kind: "person" })),
    );
    await new Promise<void>((r) => echo!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    repo = makeRepo();
    home = mkdtempSync(join(tmpdir(), "firebreak-home-"));
    const env = { XDG_CONFIG_HOME: home };
    const outputs: string[] = [];
    const login = await firebreak(repo.work, ["login", url, "--with-token"], { env, input: token });
    outputs.push(login.stdout, login.stderr);
    expect(login.code, login.stderr).toBe(0);
    // The server goes away; the person pastes the token into the reason by mistake.
    await new Promise<void>((r) => echo!.close(() => r()));
    echo = undefined;
    const started = await firebreak(
      repo.work,
      ["start", "ENG-2", "login loops", "--priority", "P2", "--offline", "--reason", `server down; token was ${token}`],
      { env },
    );
    outputs.push(started.stdout, started.stderr);
    expect(started.code, started.stderr).toBe(0);
    const log = await firebreak(repo.work, ["log", "ENG-2", "--json"], { env });
    outputs.push(log.stdout, log.stderr);
    expect(log.stdout).toContain("offline.started");

    const credentials = join(home, "firebreak", "credentials.json");
    const files = [...filesUnder(repo.root), ...filesUnder(home).filter((f) => f !== credentials)];
    expect(files.some((f) => f.includes(`${join("firebreak", "offline")}`))).toBe(true);
    expect(scan({ outputs: outputs.join("\n"), ...readAll(files) }, [canary])).toEqual([]);
  });
});

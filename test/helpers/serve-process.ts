// `firebreak serve` as a real process on a PostgreSQL database (or a SQLite file), for the tests of
// the CLI on a team server: started on a port (0 for any free one, or the one it had, to bring it back after
// stopping it) and stopped the way an operator stops it, with SIGTERM.

import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./cli.js";

export interface ServeProcess {
  url: string;
  port: string;
  /** What the server has written to stderr so far (its words to the operator). */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startServe(
  o: ({ databaseUrl: string } | { sqlitePath: string }) & { cwd: string; port?: string },
): Promise<ServeProcess> {
  const data = "sqlitePath" in o ? ["--data", o.sqlitePath] : [];
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve", "--port", o.port ?? "0", ...data], {
    cwd: o.cwd,
    // A SQLite server is one even where the environment names a PostgreSQL database.
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_DATABASE_URL: "databaseUrl" in o ? o.databaseUrl : "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start:\n${out}${err}`));
    }, 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
  });
  return {
    url,
    port: new URL(url).port,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

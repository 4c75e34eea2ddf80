// `firebreak serve` as a real process on a PostgreSQL database (or a SQLite file), for the tests of
// the CLI on a team server: started on a port (0 for any free one, or the one it had, to bring it back after
// stopping it) and stopped the way an operator stops it, with SIGTERM.

import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./cli.js";

export interface ServeProcess {
  url: string;
  port: string;
  stop(): Promise<void>;
}

export async function startServe(
  o: ({ databaseUrl: string } | { sqlitePath: string }) & { cwd: string; port?: string },
): Promise<ServeProcess> {
  const data = "sqlitePath" in o ? ["--data", o.sqlitePath] : [];
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve", "--port", o.port ?? "0", ...data], {
    cwd: o.cwd,
    env: { ...process.env, ...("databaseUrl" in o ? { FIREBREAK_DATABASE_URL: o.databaseUrl } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start:\n${out}`));
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
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

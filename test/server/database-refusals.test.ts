// When PostgreSQL refuses `serve` or `token`, the error names where FIREBREAK_DATABASE_URL points
// (host, port, database) and the next step for that refusal: pg_isready for a server that does not
// answer, the credentials for a refused password, createdb for a missing database. The password
// never appears, in any form, even when the server's own answer quotes it.

import net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { describeOccurrences, makeCanary, scanCanaries } from "../helpers/canary.js";
import { freePort } from "../ship/fixture.js";
import { PG_ADMIN_URL } from "./fixture.js";

const password = makeCanary("FIREBREAK_DATABASE_URL");
const COMMANDS = [
  ["serve", "--port", "0"],
  ["token", "list"],
  ["token", "create", "--name", "alice", "--role", "responder"],
];

/** A stand-in PostgreSQL that refuses every login as a bad password, quoting the password back. */
function refusingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const field = (type: string, text: string) => Buffer.concat([Buffer.from(type), Buffer.from(`${text}\0`)]);
  const server = net.createServer((socket) => {
    socket.once("data", () => {
      const body = Buffer.concat([
        field("S", "FATAL"),
        field("V", "FATAL"),
        field("C", "28P01"),
        field("M", `password authentication failed for user "fb" (password "${password.core}")`),
        Buffer.from([0]),
      ]);
      const head = Buffer.alloc(5);
      head.write("E");
      head.writeInt32BE(body.length + 4, 1);
      socket.end(Buffer.concat([head, body]));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

let dir = "";
let refusing: Awaited<ReturnType<typeof refusingServer>>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-db-refusals-"));
  refusing = await refusingServer();
});
afterAll(async () => {
  await refusing?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refused(url: string) {
  const runs = await Promise.all(COMMANDS.map((args) => firebreak(dir, args, { env: { FIREBREAK_DATABASE_URL: url }, timeoutMs: 30_000 })));
  const outputs: Record<string, string> = {};
  runs.forEach((r, i) => {
    expect(r.code, `${COMMANDS[i]!.join(" ")}\n${r.stdout}${r.stderr}`).toBe(9);
    outputs[`stdout of ${COMMANDS[i]!.join(" ")}`] = r.stdout;
    outputs[`stderr of ${COMMANDS[i]!.join(" ")}`] = r.stderr;
  });
  // The password is absent from everything printed, in every encoding.
  const found = scanCanaries([password], { strings: outputs });
  expect(found, describeOccurrences(found)).toEqual([]);
  return runs.map((r) => r.stderr);
}

describe("PostgreSQL refuses serve and token", () => {
  it("nothing answers: names host, port and database, and the pg_isready to run", async () => {
    const port = await freePort();
    for (const stderr of await refused(`postgres://fb:${password.core}@127.0.0.1:${port}/firebreak`)) {
      expect(stderr).toContain(`Cannot use the PostgreSQL database at 127.0.0.1:${port}/firebreak (FIREBREAK_DATABASE_URL)`);
      expect(stderr).toContain(`Next: pg_isready -h 127.0.0.1 -p ${port}`);
      expect(stderr).not.toContain(".firebreak.yml");
    }
  });

  it("a refused password: names where, says to check the credentials, and never echoes the password", async () => {
    const url = `postgres://fb:${password.core}@127.0.0.1:${refusing.port}/firebreak`;
    for (const stderr of await refused(url)) {
      expect(stderr).toContain(`Cannot use the PostgreSQL database at 127.0.0.1:${refusing.port}/firebreak`);
      expect(stderr).toContain('password authentication failed for user "fb" (password "****")');
      expect(stderr).toContain("Next: check the user name and password in FIREBREAK_DATABASE_URL");
    }
  });

  it("a database that does not exist: names it, and the createdb that makes it", async () => {
    const admin = new URL(PG_ADMIN_URL);
    const name = `fb_missing_${Date.now()}`;
    const url = `postgres://${admin.username}:${password.core}@${admin.hostname}:${admin.port || "5432"}/${name}`;
    for (const stderr of await refused(url)) {
      expect(stderr).toContain(
        `${admin.hostname}:${admin.port || "5432"}/${name} (FIREBREAK_DATABASE_URL): database "${name}" does not exist`,
      );
      expect(stderr).toContain(`Next: createdb -h ${admin.hostname} -p ${admin.port || "5432"} ${name}`);
    }
  });
});

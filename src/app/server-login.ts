// Which team server this clone's record lives on, and the token to reach it. `firebreak login URL`
// writes both: the token to the user's config directory (mode 0600, one entry per server), the
// server's address to the clone's git directory (.git/firebreak/server), so a login changes where
// this clone's record lives and no other repository's. FIREBREAK_SERVER and FIREBREAK_TOKEN
// override them; FIREBREAK_SERVER=off works on the clone's own record.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { WhoAmI } from "../store/remote-protocol.js";

export interface ServerLogin {
  url: string;
  token: string;
}

interface SavedLogin {
  token: string;
  name: string;
  role: string;
  kind?: WhoAmI["kind"];
}

interface Credentials {
  servers: Record<string, SavedLogin>;
}

export const credentialsPath = (env: NodeJS.ProcessEnv): string =>
  join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "firebreak", "credentials.json");

/** Where a clone names its server: beside its record, in the git common dir. */
export const serverFilePath = (commonDir: string): string => join(commonDir, "firebreak", "server");

/** A server's address as it is stored and compared: no trailing slash. */
export function normalizeServerUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL (e.g. https://firebreak.example.com)`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error(`"${raw}" is not an http(s) URL`);
  if (u.username || u.password) throw new Error("the URL must not carry a user or password; the token is asked for separately");
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

function readCredentials(env: NodeJS.ProcessEnv): Credentials {
  try {
    const parsed = JSON.parse(readFileSync(credentialsPath(env), "utf8")) as Credentials;
    return parsed && typeof parsed.servers === "object" ? parsed : { servers: {} };
  } catch {
    return { servers: {} };
  }
}

/** Written whole to a temporary file and renamed, with 0600 from the start: never half a file, never readable by others. */
function writeCredentials(env: NodeJS.ProcessEnv, c: Credentials): void {
  const path = credentialsPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function saveLogin(env: NodeJS.ProcessEnv, url: string, token: string, who: WhoAmI): void {
  const c = readCredentials(env);
  c.servers[url] = { token, name: who.name, role: who.role, kind: who.kind };
  writeCredentials(env, c);
}

/** Forgets the token for this server; true when there was one. */
export function forgetLogin(env: NodeJS.ProcessEnv, url: string): boolean {
  const c = readCredentials(env);
  if (!c.servers[url]) return false;
  delete c.servers[url];
  writeCredentials(env, c);
  return true;
}

export function useServer(commonDir: string, url: string | null): void {
  const file = serverFilePath(commonDir);
  if (url === null) return rmSync(file, { force: true });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${url}\n`);
}

/** The server this clone's record lives on, or null for the clone's own record. */
export function serverUrlFor(commonDir: string | null, env: NodeJS.ProcessEnv): string | null {
  const fromEnv = env.FIREBREAK_SERVER?.trim();
  if (fromEnv === "off") return null;
  if (fromEnv) return normalizeServerUrl(fromEnv);
  if (!commonDir) return null;
  const file = serverFilePath(commonDir);
  if (!existsSync(file)) return null;
  const url = readFileSync(file, "utf8").trim();
  return url ? normalizeServerUrl(url) : null;
}

/** The token for that server: FIREBREAK_TOKEN, else the one `firebreak login` saved. */
export function tokenFor(url: string, env: NodeJS.ProcessEnv): string | null {
  return env.FIREBREAK_TOKEN?.trim() || readCredentials(env).servers[url]?.token || null;
}

/** Who the saved token was at login: the actor of notes kept while the server does not answer. */
export function savedIdentity(env: NodeJS.ProcessEnv, url: string): WhoAmI | null {
  const saved = readCredentials(env).servers[url];
  if (!saved || (env.FIREBREAK_TOKEN?.trim() && env.FIREBREAK_TOKEN.trim() !== saved.token)) return null;
  return { name: saved.name, role: saved.role, kind: saved.kind ?? "person" };
}

/** A short, stable folder name for one server's copies in a clone. */
export const serverKey = (url: string): string => createHash("sha256").update(url).digest("hex").slice(0, 12);

/** Asks the server who this token is; refused there (401) when it is unknown, expired or revoked. */
export async function whoamiAt(url: string, token: string): Promise<WhoAmI> {
  const { RemoteStore } = await import("../store/remote-store.js");
  return new RemoteStore({ url, token }).whoami();
}

/** How many notes this clone keeps for that server, not uploaded yet (.git/firebreak/outbox/). */
export function keptNotes(commonDir: string, url: string): number {
  try {
    return readdirSync(join(commonDir, "firebreak", "outbox", serverKey(url))).filter((n) => n.endsWith(".json")).length;
  } catch {
    return 0;
  }
}

// Secrets live in the environment, never in .firebreak.yml: the file is committed and read by
// everyone with the repository. A config value names a variable (`env:GITHUB_TOKEN`); the one
// adapter that needs it calls resolveSecret() and gets a Secret that prints as ****.

import { inspect } from "node:util";
import { FirebreakError } from "../errors.js";

export const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;
export const ENV_REF_RE = /^env:([A-Z_][A-Z0-9_]*)$/;

/** A config value that names an environment variable: `env:NAME`. */
export type SecretRef = `env:${string}`;

export const isEnvRef = (value: string): value is SecretRef => ENV_REF_RE.test(value);

const MASK = "****";

/** A value that must not reach logs, JSON output, errors or the timeline. */
export class Secret {
  readonly #value: string;
  /** Where it came from, safe to print: "env:GITHUB_TOKEN" or "inline". */
  readonly source: string;
  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }
  /** The real value, for the adapter that sends it (an Authorization header, a webhook URL). */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [Symbol.toPrimitive](): string {
    return MASK;
  }
  [inspect.custom](): string {
    return MASK;
  }
}

/**
 * Turns a config value into a Secret. `env:NAME` reads NAME from `env`; any other string is taken
 * as written (a non-secret field a caller wants handled the same way).
 * `where` names the config key for the error message, e.g. "forge.token".
 */
export function resolveSecret(value: string, env: NodeJS.ProcessEnv = process.env, where?: string): Secret {
  if (!value.startsWith("env:")) return new Secret(value, "inline");
  const m = ENV_REF_RE.exec(value);
  const name = m?.[1];
  const field = where ? `${where} in .firebreak.yml` : ".firebreak.yml";
  if (name === undefined) {
    throw new FirebreakError({
      code: "SECRET_REF_INVALID",
      message: `${field} reads ${JSON.stringify(value)}, which is not a valid environment variable name.`,
    });
  }
  const v = env[name];
  if (v === undefined || v === "") {
    throw new FirebreakError({
      code: "SECRET_MISSING",
      message: `The environment variable ${name} is ${v === undefined ? "not set" : "empty"} (${field} reads env:${name}).`,
      next: `export ${name}=…   # then run the same firebreak command again`,
    });
  }
  return new Secret(v, `env:${name}`);
}

/** Replaces every revealed secret value in `text` with ****: for outside output (git, a CLI) that may echo one. */
export function redact(text: string, secrets: readonly Secret[]): string {
  let out = text;
  for (const s of secrets) {
    const v = s.reveal();
    // Very short values would mask ordinary words; nothing that short is a real credential.
    if (v.length >= 6) out = out.split(v).join(MASK);
  }
  return out;
}

// --- inline secret detection -------------------------------------------------------------

const TOKEN_PATTERNS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/, "GitHub token", "GITHUB_TOKEN"],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/, "GitHub token", "GITHUB_TOKEN"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "GitLab token", "GITLAB_TOKEN"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "Slack token", "SLACK_TOKEN"],
  [/\bxapp-[A-Za-z0-9-]{10,}/, "Slack app token", "SLACK_APP_TOKEN"],
  [/\bsk-[A-Za-z0-9_-]{20,}/, "API secret key", "API_KEY"],
  [/\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/, "Stripe key", "STRIPE_KEY"],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "AWS access key", "AWS_ACCESS_KEY_ID"],
  [/hooks\.slack\.com\/(?:services|workflows|triggers)\/\S+/i, "Slack webhook URL", "SLACK_WEBHOOK_URL"],
  [/\.webhook\.office\.com\/\S+/i, "Microsoft Teams webhook URL", "TEAMS_WEBHOOK_URL"],
  [/discord(?:app)?\.com\/api\/webhooks\/\d+\/\S+/i, "Discord webhook URL", "DISCORD_WEBHOOK_URL"],
  [/[?&]sig=[A-Za-z0-9%_-]{20,}/, "signed URL", "WEBHOOK_URL"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key", "PRIVATE_KEY"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, "URL with a password in it", "URL"],
];

const SECRET_KEY_WORDS = ["token", "secret", "password", "passwd", "webhook", "apikey", "privatekey", "credential"];

export const isSecretKey = (key: string): boolean => {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEY_WORDS.some((w) => k.includes(w));
};

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function looksRandom(value: string): boolean {
  for (const run of value.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(run)).length;
    if (classes >= 2 && entropy(run) >= 3.5) return true;
  }
  return false;
}

/** What kind of secret `value` looks like (and a variable name to suggest), or null. */
export function inlineSecretKind(value: string, key?: string): { kind: string; envName: string } | null {
  if (isEnvRef(value)) return null;
  for (const [re, kind, envName] of TOKEN_PATTERNS) if (re.test(value)) return { kind, envName };
  if (key !== undefined && isSecretKey(key) && looksRandom(value)) {
    return {
      kind: `secret in "${key}"`,
      envName: key
        .replace(/([a-z])([A-Z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .toUpperCase(),
    };
  }
  return null;
}

export interface PathProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Walks a parsed config and reports every string that is a secret written inline or an
 * `env:` reference with a malformed name. Messages never include the value.
 */
export function findInlineSecrets(root: unknown): PathProblem[] {
  const out: PathProblem[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === "string") {
      if (v.startsWith("env:") && !isEnvRef(v)) {
        out.push({ path, message: "env: must be followed by a variable name of upper case letters, digits and _ (e.g. env:GITHUB_TOKEN)" });
        return;
      }
      const last = path[path.length - 1];
      const hit = inlineSecretKind(v, typeof last === "string" ? last : undefined);
      if (hit)
        out.push({
          path,
          message: `this looks like a ${hit.kind} written into the file: put it in the environment and write env:NAME (e.g. env:${hit.envName})`,
        });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, i]));
    } else if (v !== null && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    }
  };
  walk(root, []);
  return out;
}

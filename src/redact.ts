// Secrets never leave the program. Every place output leaves (terminal, logs, records, messages,
// errors) passes text through redact(). The values come from the environment variables that hold
// secrets, plus any value registered by the code that resolved it (config `env:NAME`).
//
// A secret leaks in pieces as well as whole: a service that refuses a webhook echoes only its
// path, a CLI prints a token without its `Bearer `, an SMTP server echoes the base64 of the
// credentials. So each secret is registered with the derived forms a service or a tool could
// print (see formsOf), and every form is masked wherever it appears.
//
// The secrets belong to one operation, not to the process: withSecrets(set, fn) runs fn with its
// own set (a server handling many teams redacts each call with that team's secrets). Outside any
// scope, the process-wide set serves (the CLI). The process-wide set is masked inside every scope
// too: it holds the program's own secrets (its database URL), which no team may see.

import { AsyncLocalStorage } from "node:async_hooks";

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|WEBHOOK|PRIVATE_KEY|DATABASE_URL|DSN)/i;
/**
 * The secret settings that are database URLs: only their credentials are secret, not where they
 * point. (Not a DSN: Sentry's carries its key as the URL's user name.)
 */
const CONNECTION_NAME = /DATABASE_URL$/i;
/** A connection URL's query parameters that carry a credential (libpq's password, sslpassword, …). */
const SECRET_PARAM = /pass|secret|token|key/i;
const MASK = "****";
/** Shorter values would mask ordinary words; real tokens are long. */
const MIN_SECRET = 6;
/** A derived form shorter than this is not specific enough to mask on its own. */
const MIN_DERIVED = 8;

/** The secrets of one operation, with every form under which each could be printed. */
export class SecretSet {
  readonly #forms = new Set<string>();
  #ordered: string[] | null = null;

  /** Registers a secret and its derived forms. Values shorter than 6 characters are ignored. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET) return;
    for (const f of formsOf(value)) this.#forms.add(f);
    this.#ordered = null;
  }

  /**
   * Registers a user name and password used together (SMTP AUTH, HTTP Basic): the password and the
   * encodings of the pair (`user:password`, PLAIN's `\0user\0password`). The user alone is not secret.
   */
  addPair(user: string | undefined, password: string | undefined): void {
    if (!password || password.length < MIN_SECRET) return;
    this.add(password);
    if (!user) return;
    for (const joined of [`${user}:${password}`, `\0${user}\0${password}`, `${user}\0${password}`]) {
      for (const f of encodedForms(joined)) this.#forms.add(f);
      if (!joined.includes("\0")) this.#forms.add(joined);
    }
    this.#ordered = null;
  }

  /**
   * Registers a connection URL (postgres://user:password@host:port/db): its password in every
   * form, and the query parameters named like secrets (?password=…, ?sslpassword=…). Where it
   * points (host, port, database) stays readable: a refusal naming them says what to check, and
   * the URL printed whole shows as scheme://****@host:port/db. A value that is not such a URL is
   * registered whole.
   */
  addConnectionUrl(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET) return;
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      return this.add(value);
    }
    if (!url.protocol || !value.includes("://")) return this.add(value);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    if (url.password) {
      this.add(url.password); // as written in the URL (percent-encoded or not)
      this.addPair(decode(url.username), decode(url.password));
    }
    for (const [key, v] of url.searchParams) if (SECRET_PARAM.test(key)) this.add(v);
  }

  get size(): number {
    return this.#forms.size;
  }

  /** Every form, longest first: a whole URL is masked before its path could be. */
  forms(): readonly string[] {
    this.#ordered ??= [...this.#forms].sort((a, b) => b.length - a.length);
    return this.#ordered;
  }

  redact(text: string): string {
    let out = text;
    for (const f of this.forms()) if (out.includes(f)) out = out.split(f).join(MASK);
    return out;
  }
}

const processSecrets = new SecretSet();
const scope = new AsyncLocalStorage<SecretSet>();

/** Runs fn with `set` as the secrets of this operation (everything it awaits included). */
export function withSecrets<T>(set: SecretSet, fn: () => T): T {
  return scope.run(set, fn);
}

/** The secrets of the running operation: its scope's set, or the process-wide one. */
export function currentSecrets(): SecretSet {
  return scope.getStore() ?? processSecrets;
}

/** Registers a secret value so that it (and its derived forms) is masked wherever it would be printed or stored. */
export function registerSecret(value: string | undefined): void {
  currentSecrets().add(value);
}

/** Registers a user and password configured together (SMTP, HTTP Basic). */
export function registerCredentialPair(user: string | undefined, password: string | undefined): void {
  currentSecrets().addPair(user, password);
}

export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_NAME.test(name)) continue;
    if (CONNECTION_NAME.test(name)) currentSecrets().addConnectionUrl(value);
    else registerSecret(value);
  }
}

// Credentials inside URLs (https://user:token@host) are masked even when nobody registered them.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::([^/\s@]*))?@/gi;

/**
 * Tokens whose shape alone says they are secrets, masked even when this process never registered
 * them: on a team server, a note may quote another person's token, which only their own process
 * knows. Firebreak server tokens, GitHub tokens, Slack tokens.
 */
const KNOWN_TOKENS = /\b(?:fbk_[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,})/g;

export function redact(text: string): string {
  const own = scope.getStore();
  let out = own ? own.redact(text) : text;
  out = processSecrets.redact(out);
  return out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}****@`).replace(KNOWN_TOKENS, MASK);
}

/** Redacts every string inside a JSON-like value (records, JSON output). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === "object") {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return redactDeep(JSON.parse(JSON.stringify(value)) as T);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** A short, one-line, redacted excerpt of a text from outside (a service's answer): never the raw body. */
export function safeExcerpt(text: string, max = 200): string {
  // Redact before cutting, so a secret cut in half by the limit is still masked whole.
  const one = redact(text.replace(/\s+/g, " ").trim());
  return one.length > max ? one.slice(0, max) + "…" : one;
}

// --- derived forms ------------------------------------------------------------------------------

/**
 * Whether a piece of a secret is specific enough to mask on its own: long, with a run of letters
 * and digits that is token-like (mixed letters and digits, or long). "/services" or "webhookb2"
 * alone would mangle ordinary text; "T000/B000/XXXXXXXX" would not.
 */
export function isSpecific(piece: string): boolean {
  if (piece.length < MIN_DERIVED) return false;
  for (const run of piece.match(/[A-Za-z0-9]{6,}/g) ?? []) {
    if (run.length >= 20) return true;
    if (run.length >= 10 && /[0-9]/.test(run) && /[A-Za-z]/.test(run)) return true;
  }
  // A run broken by separators (a GUID, T000/B000/…): enough letters and digits around them.
  const alnum = piece.replace(/[^A-Za-z0-9]/g, "");
  return alnum.length >= 16 && /[0-9]/.test(alnum) && /[A-Za-z]/.test(alnum);
}

const SCHEME_PREFIX = /^(?:bearer|token|basic|bot|oauth|apikey)\s+(\S.*)$/i;
const VENDOR_PREFIX = /^(?:gh[pousr]_|github_pat_|glpat-|xox[abposr]-|xapp-|sk-|[sr]k_(?:live|test)_|lin_api_|sntry[su]_|sl\.)(.+)$/;
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const URL_PARTS = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;

/** The value and every form of it a service or tool could print. */
export function formsOf(value: string): Set<string> {
  const forms = new Set<string>([value]);
  const primary = new Set<string>([value]); // credentials: every encoding is registered too
  const inUrls = new Set<string>(); // parts of a URL: URL-encoded too (a redirect parameter)
  const derived = (piece: string | undefined, encode: "all" | "uri" | false = false) => {
    if (!piece || piece === value || !isSpecific(piece)) return;
    forms.add(piece);
    if (encode === "all") primary.add(piece);
    if (encode === "uri") inUrls.add(piece);
  };

  const trimmed = value.trim();
  if (trimmed !== value && trimmed.length >= MIN_SECRET) forms.add(trimmed), primary.add(trimmed);
  const bare = SCHEME_PREFIX.exec(trimmed)?.[1];
  derived(bare, "all");
  const token = bare ?? trimmed;
  derived(VENDOR_PREFIX.exec(token)?.[1], "all");

  const url = URL_PARTS.exec(trimmed);
  if (url) {
    const [, , authority = "", path = "", query = ""] = url;
    const afterScheme = trimmed.slice(trimmed.indexOf("//") + 2);
    if (path.length > 1 || query || authority.includes("@")) derived(afterScheme);
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(":");
      const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
      const password = colon >= 0 ? userinfo.slice(colon + 1) : "";
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      };
      if (password.length >= MIN_SECRET) {
        forms.add(password), primary.add(password);
        forms.add(decode(password)), primary.add(decode(password));
        for (const f of encodedForms(`${decode(user)}:${decode(password)}`)) forms.add(f);
      } else derived(user, "all");
      derived(authority.slice(at + 1) + path + query);
    }
    // The path and its tails: a refusal often echoes only the path ("Cannot POST /services/…").
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const tail = segments.slice(i).join("/");
      derived(tail + query, "uri");
      derived("/" + tail + query, "uri");
      derived(tail);
      derived("/" + tail);
    }
    if (query) {
      derived(query);
      derived(query.slice(1), "uri");
      for (const part of query.slice(1).split("&")) derived(part.slice(part.indexOf("=") + 1), "all");
    }
    // JSON written with escaped slashes ("\/services\/…").
    for (const f of [...forms]) if (f.includes("/")) forms.add(f.replaceAll("/", "\\/"));
  }

  for (const p of primary) for (const f of encodedForms(p)) forms.add(f);
  // HTML-escaped (a review or status page that shows a URL with & in its query).
  for (const f of [...forms]) if (/[&<>"']/.test(f)) forms.add(f.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!));
  for (const p of inUrls) {
    const uri = encodeURIComponent(p);
    if (uri !== p) forms.add(uri), forms.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  return forms;
}

/**
 * Encodings of a value: URL-encoded, JSON-escaped, and base64 (standard and URL-safe). Base64 is
 * registered as the three "cores" that appear whatever bytes come before or after the value in
 * the encoded stream, so `user:password`, PLAIN's `\0user\0password` or a longer header still show
 * the password's core.
 */
export function encodedForms(value: string): Set<string> {
  const out = new Set<string>();
  const add = (f: string) => {
    if (f !== value && f.length >= MIN_DERIVED) out.add(f);
  };
  const uri = encodeURIComponent(value);
  add(uri);
  add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  add(encodeURI(value));
  add(JSON.stringify(value).slice(1, -1));
  const bytes = Buffer.from(value, "utf8");
  const whole = bytes.toString("base64");
  add(whole);
  add(whole.replace(/=+$/, ""));
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    // Characters mixing the k leading bytes, or what follows the value, differ from stream to stream.
    const start = k === 0 ? 0 : k === 1 ? 2 : 3;
    const end = Math.floor(((k + bytes.length) * 8) / 6);
    const core = b64.slice(start, end);
    if (core.length < MIN_DERIVED) continue;
    add(core);
    add(core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return out;
}

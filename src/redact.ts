// Secrets never leave the program. Every place output leaves (terminal, logs, records, messages,
// errors) passes text through redact(). The values come from the environment variables that hold
// secrets, plus any value registered by the adapter that resolved it (config `env:NAME`).

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|WEBHOOK|PRIVATE_KEY|DATABASE_URL|DSN)/i;
const known = new Set<string>();

/** Registers a secret value so that it is masked wherever it would be printed or stored. */
export function registerSecret(value: string | undefined): void {
  // Very short values would mask ordinary words; real tokens are long.
  if (value && value.length >= 6) known.add(value);
}

export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) registerSecret(value);
}

// Credentials inside URLs (https://user:token@host) are masked even when nobody registered them.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::([^/\s@]*))?@/gi;

export function redact(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join("****");
  return out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}****@`);
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

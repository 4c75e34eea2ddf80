// Every secret the config names is registered for redaction as soon as the config is read, not
// when the adapter that sends it is built: a check, a deploy or a failing service may print a
// secret long before (or without) the adapter that uses it running at all.

import { registerCredentialPair, registerSecret } from "../redact.js";
import { ENV_REF_RE } from "./secrets.js";

/** Registers the value of every `env:NAME` in the config, and the SMTP user and password as a pair. */
export function registerConfigSecrets(config: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32 || seen.has(v)) return;
    if (typeof v === "string") {
      const name = ENV_REF_RE.exec(v)?.[1];
      if (name) registerSecret(env[name]);
      return;
    }
    if (v === null || typeof v !== "object") return;
    seen.add(v);
    for (const item of Array.isArray(v) ? v : Object.values(v)) walk(item, depth + 1);
  };
  walk(config, 0);
  const smtp = (config as { notify?: { email?: { smtp?: { user?: string; password?: string } } } } | null)?.notify?.email?.smtp;
  const passwordRef = smtp?.password ? ENV_REF_RE.exec(smtp.password)?.[1] : undefined;
  if (smtp?.user && passwordRef) registerCredentialPair(smtp.user, env[passwordRef]);
}

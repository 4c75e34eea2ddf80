// Secrets from the environment: `env:NAME` in .firebreak.yml names a variable (config/secrets.ts
// reads it). Every value is registered for redaction the moment it is read, before anyone can print it.

import { resolveSecret, Secret } from "../../config/secrets.js";
import { registerSecret } from "../../redact.js";
import type { Secrets } from "../../ports/secrets.js";

export class EnvSecrets implements Secrets {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  resolve(ref: string, where: string): Secret {
    const s = resolveSecret(ref, this.env, where);
    registerSecret(s.reveal());
    return s;
  }

  fromEnv(name: string): Secret | null {
    const v = this.env[name];
    if (!v) return null;
    registerSecret(v);
    return new Secret(v, `env:${name}`);
  }
}

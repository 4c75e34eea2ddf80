// Secrets: tokens, webhook URLs and passwords named in .firebreak.yml as env:NAME (config/secrets.ts
// resolves them). Whoever reads one registers it for redaction at once (redact.ts), so it can
// never reach a terminal, a log or the record; a Secret's value leaves only through reveal().

export interface SecretValue {
  /** Where it came from, for messages: "env:GITHUB_TOKEN", "gh auth token". Never the value. */
  readonly source: string;
  /** The value itself: only at the edge, for the header or URL it goes into. */
  reveal(): string;
}

export interface Secrets {
  /**
   * Resolves a reference from the config (`env:NAME`) for the setting `where` ("forge.token"),
   * registered for redaction. Throws a config error naming `where` when it is not set.
   */
  resolve(ref: string, where: string): SecretValue;
  /** The value of an environment variable, when set, as a registered secret. */
  fromEnv(name: string): SecretValue | null;
}

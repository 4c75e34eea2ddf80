// The interfaces the outside world is reached through, one per file in src/ports/, gathered here so
// an import names the layer rather than the file. Adapters implement them; operations receive only
// the ports they use, built in src/app/ (the composition root). Tests pass real implementations
// (git, SQLite, PostgreSQL) or, for services this machine cannot reach, contract fakes.

export type * from "./ports/clock.js";
export type * from "./ports/deployer.js";
export type * from "./ports/forge.js";
export type * from "./ports/git.js";
export type * from "./ports/locks.js";
export type * from "./ports/metric-source.js";
export type * from "./ports/notifier.js";
export type * from "./ports/secrets.js";
export type * from "./ports/store.js";
export type * from "./ports/tracker.js";
export { AmbiguousOutcome } from "./ports/outcome.js";

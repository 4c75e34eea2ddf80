// The public face of Firebreak's errors: the exit codes (errors/exit.ts), the catalogue of every
// error code with its exit, why and next step (errors/catalogue.ts, listed in docs/errors.md),
// the FirebreakError class and the builders for errors raised in many places.

export { EXIT, EXIT_MEANING, type ExitCode, type SignalExit } from "./errors/exit.js";
export { CATALOGUE, type CatalogueEntry, type ErrorCode } from "./errors/catalogue.js";
export { FirebreakError, isFirebreakError, type ErrorInfo, type ErrorJson } from "./errors/firebreak-error.js";
export { E } from "./errors/builders.js";

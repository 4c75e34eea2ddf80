// Moved to src/ports/forge.ts; kept so older import paths still resolve.
export type * from "../../ports/forge.js";

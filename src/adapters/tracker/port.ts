// The port moved to src/ports/tracker.ts (re-exported here for older import paths); what the
// adapters share stays here.
export type * from "../../ports/tracker.js";

/** The hidden line that ties an issue or comment to the effect that made it. */
export const keyMarker = (key: string) => `<!-- firebreak:${key.replace(/[^A-Za-z0-9:._/-]/g, "_")} -->`;

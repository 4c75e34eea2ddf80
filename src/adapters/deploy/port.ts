// Moved to src/ports/deployer.ts; kept so older import paths still resolve.
export type * from "../../ports/deployer.js";

// Moved to src/crash-point.ts (adapters use it too, and adapters do not import workflow).
export { crashPoint } from "../crash-point.js";

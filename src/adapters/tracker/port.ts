// Moved to src/ports/tracker.ts (and keyMarker to key-marker.ts); kept so older import paths still resolve.
export type * from "../../ports/tracker.js";
export { keyMarker } from "./key-marker.js";

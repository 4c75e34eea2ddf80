// Moved to src/render/describe-event.ts (the review renders events too, and does not import the CLI).
export { describeEvent } from "../render/describe-event.js";

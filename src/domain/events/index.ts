// The record's vocabulary: import event kinds, their data types and the `event()` helper from here.

export * from "./catalogue.js";
export { CONFIRM_ITEMS, type ConfirmItem, type ConfirmKind } from "./incident.js";
export { CHECK_STATUSES, type CheckStatusWord, type CheckKind } from "./check.js";
export { VERDICTS, type Verdict, type VerdictKind } from "./verify.js";
export type { DeployDoneKind } from "./ship.js";
export { CONFIRM_PATTERN } from "./incident.js";
export { CHECK_PATTERN } from "./check.js";
export { VERDICT_PATTERN } from "./verify.js";
export { DEPLOY_DONE_PATTERN } from "./ship.js";

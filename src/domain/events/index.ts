// The record's vocabulary: import event kinds, their data types and the `event()` helper from here.

export * from "./catalogue.js";
export { CONFIRM_ITEMS, type ConfirmItem, type ConfirmKind } from "./incident.js";
export { CHECK_STATUSES, type CheckStatusWord, type CheckKind } from "./check.js";
export { VERDICTS, type Verdict, type VerdictKind } from "./verify.js";
export type { DeployDoneKind } from "./ship.js";

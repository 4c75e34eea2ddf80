// The kinds whose name carries a value (check.<status>, confirm.<item>, deploy.<env>.done,
// verify.<slot>.<verdict>): their words and patterns, without the schemas. The state reducer
// and `firebreak status` read these; keeping zod out of this file keeps it out of start-up.

export const CHECK_STATUSES = ["passed", "failed", "timed-out", "skipped", "missing", "interrupted"] as const;
export type CheckStatusWord = (typeof CHECK_STATUSES)[number];
export type CheckKind = `check.${CheckStatusWord}`;
export const CHECK_PATTERN = new RegExp(`^check\\.(${CHECK_STATUSES.join("|")})$`);

export const CONFIRM_ITEMS = [
  "reproduced",
  "fixed",
  "happy-path",
  "edge-cases",
  "no-regressions",
  "oncall-notified",
  "monitoring",
  "staging-verified",
] as const;
export type ConfirmItem = (typeof CONFIRM_ITEMS)[number];
export type ConfirmKind = `confirm.${ConfirmItem}`;
export const CONFIRM_PATTERN = new RegExp(`^confirm\\.(${CONFIRM_ITEMS.join("|")})$`);

export type DeployDoneKind = `deploy.${string}.done`;
export const DEPLOY_DONE_PATTERN = /^deploy\.([A-Za-z0-9_-]+)\.done$/;

export const VERDICTS = ["verified", "regression", "inconclusive", "pending", "watched"] as const;
export type Verdict = (typeof VERDICTS)[number];
export type VerdictKind = `verify.${string}.${Verdict}`;
export const VERDICT_PATTERN = new RegExp(`^verify\\.([A-Za-z0-9_-]+)\\.(${VERDICTS.join("|")})$`);

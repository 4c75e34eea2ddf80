import { test } from "node:test";
import assert from "node:assert/strict";
import { authorize } from "../src/auth.mjs";

// Regression test: an expired token was let in because the check read a field tokens no longer have.
test("an expired token gets 401", () => {
  assert.deepEqual(authorize("Bearer tok-expired-bob"), { status: 401, reason: "token expired" });
});

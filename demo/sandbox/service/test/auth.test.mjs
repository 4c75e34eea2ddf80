import { test } from "node:test";
import assert from "node:assert/strict";
import { authorize } from "../src/auth.mjs";

test("a valid token is let in", () => {
  assert.deepEqual(authorize("Bearer tok-alice"), { status: 200, user: "alice" });
});

test("an unknown token is refused", () => {
  assert.equal(authorize("Bearer nope").status, 401);
});

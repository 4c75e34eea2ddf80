// The two pieces every request and every post go through, on their own: the signature check at
// its edges (five minutes exactly, one character changed), and the per-channel queue (one call at a
// time per channel, a 429 waited out, a waiting job replaced by a newer one with the same key).

import { ErrorCode } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { PostQueue } from "../../src/server/slack/post-queue.js";
import { slackSignature, verifySignature } from "../../src/server/slack/verify.js";

describe("verifySignature", () => {
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const body = "token=x&team_id=T1&command=%2Ffirebreak&text=status";
  const now = new Date("2026-12-06T04:00:00Z");
  const ts = String(now.getTime() / 1000);

  it("accepts Slack's signature and names the request by it", () => {
    const signature = slackSignature(secret, ts, body);
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    const v = verifySignature(secret, { timestamp: ts, signature }, body, now);
    expect(v).toEqual({ ok: true, id: signature.slice(3) });
  });

  it("refuses a changed body, another secret, a missing header and a timestamp past five minutes", () => {
    const signature = slackSignature(secret, ts, body);
    expect(verifySignature(secret, { timestamp: ts, signature }, `${body}x`, now)).toMatchObject({
      ok: false,
      why: "the signature does not match",
    });
    expect(verifySignature("another", { timestamp: ts, signature }, body, now).ok).toBe(false);
    expect(verifySignature(secret, { timestamp: ts, signature: undefined }, body, now).ok).toBe(false);
    expect(verifySignature(secret, { timestamp: "soon", signature }, body, now).ok).toBe(false);
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    expect(verifySignature(secret, { timestamp: ts, signature }, body, at(300)).ok).toBe(true);
    expect(verifySignature(secret, { timestamp: ts, signature }, body, at(301))).toMatchObject({ ok: false });
    expect(verifySignature(secret, { timestamp: ts, signature }, body, at(-301))).toMatchObject({ ok: false });
  });
});

describe("PostQueue", () => {
  const limited = (retryAfter: number) => Object.assign(new Error("rate limited"), { code: ErrorCode.RateLimitedError, retryAfter });

  it("replaces a waiting job with the newer one of the same key, and keeps others", async () => {
    const q = new PostQueue({ gapMs: 30 });
    const ran: string[] = [];
    q.push("C1", "a", async () => void ran.push("a1"));
    for (let i = 2; i <= 5; i++) q.push("C1", "b", async () => void ran.push(`b${i}`));
    q.push("C1", "a", async () => void ran.push("a2"));
    await q.idle();
    expect(ran).toEqual(["a1", "b5", "a2"]);
  });

  it("after a 429 sends nothing more to that channel until Retry-After, then runs the job again", async () => {
    const q = new PostQueue({ gapMs: 10 });
    const at: number[] = [];
    let first = true;
    q.push("C1", "msg", async () => {
      at.push(Date.now());
      if (first) {
        first = false;
        throw limited(1);
      }
    });
    q.push("C2", "other", async () => void at.push(-1));
    await q.idle();
    expect(at.filter((t) => t > 0)).toHaveLength(2);
    expect(at.filter((t) => t > 0)[1]! - at.filter((t) => t > 0)[0]!).toBeGreaterThanOrEqual(1000);
    expect(q.backoffs).toBe(1);
    // The other channel was not held up behind the first one's back-off.
    expect(at.indexOf(-1)).toBe(1);
  });

  it("gives up after a bounded number of 429s and reports it", async () => {
    const errors: string[] = [];
    const q = new PostQueue({ gapMs: 1, maxAttempts: 2, onError: (_e, key) => errors.push(key) });
    let calls = 0;
    q.push("C1", "msg", async () => {
      calls++;
      throw limited(1);
    });
    await q.idle();
    expect(calls).toBe(2);
    expect(errors).toEqual(["msg"]);
  });
});

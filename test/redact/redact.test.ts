// Redaction of a secret's derived forms, the per-operation secret scope, and the sinks that must
// never hold a secret: the check log (written whole-line, mode 0600) and the hash-chained timeline.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  currentSecrets,
  formsOf,
  isSpecific,
  redact,
  registerCredentialPair,
  registerEnvSecrets,
  registerSecret,
  SecretSet,
  withSecrets,
} from "../../src/redact.js";
import { redactLines } from "../../src/redact-lines.js";
import { runChecks } from "../../src/checks/run-checks.js";
import { runChecksLive } from "../../src/checks/live-view.js";
import { openStore } from "../../src/store/open-store.js";
import { BACKENDS, event, newIncident } from "../store/backends.js";

// Every test registers into its own scope, so the process-wide set stays as the other tests expect.
const scoped = <T>(fn: () => T): T => withSecrets(new SecretSet(), fn);

const SLACK = "https://hooks.slack.test/services/T0A1B2C3D/B0E4F5G6H/q8Zr3xKpLmN0vW2yTa7sQe1D";
const SLACK_PATH = "/services/T0A1B2C3D/B0E4F5G6H/q8Zr3xKpLmN0vW2yTa7sQe1D";

describe("derived forms of a secret", () => {
  it("masks a webhook URL's path, its tail and the URL without its scheme, but not /services alone", () =>
    scoped(() => {
      registerSecret(SLACK);
      expect(redact(`Cannot POST ${SLACK_PATH}`)).toBe("Cannot POST ****");
      expect(redact(`no route services/T0A1B2C3D/B0E4F5G6H/q8Zr3xKpLmN0vW2yTa7sQe1D`)).toBe("no route ****");
      expect(redact(`bad hook B0E4F5G6H/q8Zr3xKpLmN0vW2yTa7sQe1D`)).toBe("bad hook ****");
      expect(redact(`to hooks.slack.test${SLACK_PATH}`)).toBe("to ****");
      expect(redact(`JSON {"path":"${SLACK_PATH.replaceAll("/", "\\/")}"}`)).toBe('JSON {"path":"****"}');
      expect(redact(`?next=${encodeURIComponent(SLACK)}`)).toBe("?next=****");
      expect(redact(`redirect=${encodeURIComponent(SLACK_PATH)}`)).toBe("redirect=****");
      expect(redact("POST /services/ is the Slack endpoint; see hooks.slack.test")).toBe(
        "POST /services/ is the Slack endpoint; see hooks.slack.test",
      );
    }));

  it("masks a URL's query string and its parameter values", () =>
    scoped(() => {
      registerSecret("https://hooks.example.test/notify?sig=Hq3vL9xT2mWc7Rk4&team=ops");
      expect(redact("refused: sig=Hq3vL9xT2mWc7Rk4&team=ops")).toBe("refused: ****");
      expect(redact("bad signature Hq3vL9xT2mWc7Rk4")).toBe("bad signature ****");
      expect(redact("POST /notify failed")).toBe("POST /notify failed");
    }));

  it("masks a token without its Bearer/token prefix and without its vendor prefix", () =>
    scoped(() => {
      registerSecret("Bearer dpl_9fK2mQ7xLr4TzW8vNc3B");
      expect(redact("using dpl_9fK2mQ7xLr4TzW8vNc3B")).toBe("using ****");
      registerSecret("ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78");
      expect(redact("token Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78 rejected")).toBe("token **** rejected");
    }));

  it("masks base64 of a password wherever it sits in an encoded stream: AUTH PLAIN, LOGIN, Basic", () =>
    scoped(() => {
      const user = "mailer@acme.test";
      const pass = "Smtp-Canary-7731-pw";
      registerCredentialPair(user, pass);
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      for (const echoed of [
        b64(`\0${user}\0${pass}`),
        b64(pass),
        b64(`${user}:${pass}`),
        b64(`x-access-token:${pass}`),
        b64(`ab:${pass}`),
        b64(`abc:${pass}`),
      ]) {
        const out = redact(`535 5.7.8 rejected ${echoed}`);
        expect(out, echoed).toContain("****");
        // What is left around the mask is at most the few characters that mix in other bytes.
        expect(out.replace("535 5.7.8 rejected ", "").replace("****", "").length, echoed).toBeLessThanOrEqual(
          Math.ceil(((user.length + 2) * 4) / 3) + 4,
        );
      }
      expect(redact(`AUTH PLAIN ${b64(`\0${user}\0${pass}`).replaceAll("+", "-").replaceAll("/", "_")}`)).not.toContain(
        b64(pass).slice(2, 12),
      );
      expect(redact(`user is ${user}`)).toBe(`user is ${user}`);
    }));

  it("masks a database URL's password and the URL-encoded forms", () =>
    scoped(() => {
      registerSecret("postgres://firebreak:Pg%2FCanary-55x1@db.internal:5432/prod");
      expect(redact("password authentication failed for Pg/Canary-55x1")).toBe("password authentication failed for ****");
      expect(redact("connect Pg%2FCanary-55x1")).toBe("connect ****");
    }));

  it("masks only the password of FIREBREAK_DATABASE_URL: where it points stays readable", () =>
    scoped(() => {
      const url = "postgres://firebreak:Pg%2FCanary-55x1@db.internal:5432/prod_db2024x?sslmode=require&sslpassword=KeyPass-9876";
      registerEnvSecrets({ FIREBREAK_DATABASE_URL: url });
      expect(redact("Cannot use the PostgreSQL database at db.internal:5432/prod_db2024x")).toBe(
        "Cannot use the PostgreSQL database at db.internal:5432/prod_db2024x",
      );
      expect(redact(`connecting to ${url}`)).toBe(
        "connecting to postgres://****@db.internal:5432/prod_db2024x?sslmode=require&sslpassword=****",
      );
      for (const form of ["Pg/Canary-55x1", "Pg%2FCanary-55x1", Buffer.from("firebreak:Pg/Canary-55x1").toString("base64"), "KeyPass-9876"])
        expect(redact(`echo ${form} end`)).toBe("echo **** end");
    }));

  it("masks another setting named like a DSN whole, as before (Sentry's key is its user name)", () =>
    scoped(() => {
      registerEnvSecrets({ SENTRY_DSN: "https://a1b2c3d4e5f6a7b8c9d0@o1.ingest.sentry.test/12345" });
      expect(redact("key a1b2c3d4e5f6a7b8c9d0 sent")).toBe("key **** sent");
    }));

  it("keeps very short values and common parts unmasked", () =>
    scoped(() => {
      registerSecret("abc12");
      expect(redact("abc12 stays")).toBe("abc12 stays");
      expect(isSpecific("/services")).toBe(false);
      expect(isSpecific("IncomingWebhook")).toBe(false);
      expect(isSpecific("webhookb2")).toBe(false);
      expect(isSpecific("T0A1B2C3D/B0E4F5G6H")).toBe(true);
      expect([...formsOf("https://example.test/api/hooks/deploy")].some((f) => f === "/api/hooks/deploy" || f === "deploy")).toBe(false);
    }));
});

describe("the secrets of one operation", () => {
  it("redacts each concurrent operation with its own set, and the process-wide set everywhere", async () => {
    const a = new SecretSet();
    const b = new SecretSet();
    const run = (set: SecretSet, mine: string) =>
      withSecrets(set, async () => {
        registerSecret(mine);
        await new Promise((r) => setTimeout(r, 5));
        return redact("team-a-Tk9x8Q7w6E5r team-b-Tk1a2S3d4F5g");
      });
    const [ra, rb] = await Promise.all([run(a, "team-a-Tk9x8Q7w6E5r"), run(b, "team-b-Tk1a2S3d4F5g")]);
    expect(ra).toBe("**** team-b-Tk1a2S3d4F5g");
    expect(rb).toBe("team-a-Tk9x8Q7w6E5r ****");
    expect(redact("team-a-Tk9x8Q7w6E5r")).toBe("team-a-Tk9x8Q7w6E5r"); // outside both scopes
    expect(currentSecrets()).not.toBe(a);
  });
});

describe("output redacted whole lines at a time", () => {
  it("masks a secret that arrives cut across two chunks", () =>
    scoped(() => {
      registerSecret("ghp_Zx81Yw72Vu63Ts54Rq45Po36Nm27Lk18");
      let out = "";
      const lines = redactLines((t) => (out += t));
      lines.push("token: ghp_Zx81Yw72Vu6");
      lines.push("3Ts54Rq45Po36Nm27Lk18\nnext line\nno end ghp_Zx81Yw72Vu63Ts54");
      lines.push("Rq45Po36Nm27Lk18");
      lines.flush();
      expect(out).toBe("token: ****\nnext line\nno end ****");
    }));
});

describe("check logs", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("never hold a secret a test prints, even in pieces, and only the owner can read them", async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-redact-"));
    const token = "ghp_CanaryCheck0123456789abcdefABCDEF";
    const hook = "https://hooks.slack.test/services/T0CAN/B0CAN/CanaryHookPath9876543210";
    const events: string[] = [];
    const results = await withSecrets(new SecretSet(), () => {
      registerSecret(token);
      registerSecret(hook);
      // printf in two writes with a pause: the token reaches Firebreak in two chunks.
      writeFileSync(
        join(dir, "leaky-test.sh"),
        `printf 'tok=ghp_CanaryCheck0123'; sleep 0.2; printf '456789abcdefABCDEF\\n'\necho "Cannot POST /services/T0CAN/B0CAN/CanaryHookPath9876543210"\necho "bearer-less CanaryCheck0123456789abcdefABCDEF"\n`,
      );
      return runChecks([{ name: "test", command: "sh leaky-test.sh" }], {
        cwd: dir,
        logDir: join(dir, "logs"),
        timeoutMs: 20_000,
        onEvent: (e) => events.push(e.type === "output" ? e.chunk : e.type === "start" ? e.command : JSON.stringify(e.result)),
      });
    });
    const log = readFileSync(results[0]!.logPath!, "utf8");
    expect(results[0]!.status).toBe("passed");
    expect(log).toContain("tok=****");
    for (const leak of ["CanaryCheck0123", "456789abcdefABCDEF", "CanaryHookPath9876543210"]) {
      expect(log).not.toContain(leak);
      expect(events.join("")).not.toContain(leak);
    }
    expect(statSync(results[0]!.logPath!).mode & 0o777).toBe(0o600);
  });
});

describe("the live check view", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("shows a test's output and its failure redacted", async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-live-"));
    const token = "Smtp-LiveView-Canary-0123456789";
    writeFileSync(join(dir, "leaky-test.sh"), `echo "password is ${"$"}LEAKY"; echo "b64 $(printf %s "$LEAKY" | base64)"; exit 1\n`);
    const shown: string[] = [];
    // Captured, and not passed on: the view's lines would only clutter the test run's output.
    const capture = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      shown.push(String(chunk));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = capture;
    process.stderr.write = capture;
    process.env.LEAKY = token;
    let results: Awaited<ReturnType<typeof runChecksLive>> = [];
    try {
      results = await withSecrets(new SecretSet(), () => {
        registerSecret(token);
        return runChecksLive([{ name: "test", command: "sh leaky-test.sh" }], {
          cwd: dir,
          logDir: join(dir, "logs"),
          timeoutMs: 20_000,
          renderer: "simple",
        });
      });
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
      delete process.env.LEAKY;
    }
    const all = shown.join("");
    expect(results[0]?.status, all + JSON.stringify(results)).toBe("failed");
    // The view shows the latest output line (which of the two depends on how the output arrived):
    // whichever it is, it is masked.
    expect(all).toMatch(/(password is|b64) \*\*\*\*/);
    expect(all).not.toContain(token);
    expect(all).not.toContain(Buffer.from(token).toString("base64").slice(0, 16));
  });
});

describe.each(BACKENDS)("the timeline on $name", (factory) => {
  it("masks a secret's path before the event is hashed, and the chain still verifies", async () => {
    const handle = await factory.setup();
    const store = await openStore({ ...handle.options, clock: { now: () => new Date("2026-03-02T10:00:00Z") } });
    try {
      await withSecrets(new SecretSet(), async () => {
        registerSecret(SLACK);
        const inc = await store.createIncident(
          newIncident({ title: `Slack down ${SLACK_PATH}` }),
          event("incident.started", { note: SLACK }),
        );
        await store.appendEvent(
          inc.id,
          event("announce.failed", { error: `Slack: HTTP 404: Cannot POST ${SLACK_PATH}`, nested: [{ body: `echo ${SLACK_PATH}` }] }),
        );
        await store.recordIntent(inc.id, "announce:x:slack", { url: SLACK }, event("effect.intent", { key: "announce:x:slack" }));
        await store.recordOutcome(
          inc.id,
          "announce:x:slack",
          { state: "done", result: { said: SLACK_PATH } },
          event("announce.sent", { key: "k" }),
        );
        const all = JSON.stringify([await store.timeline(inc.id), await store.getIncident(inc.id), await store.listEffects(inc.id)]);
        expect(all).not.toContain("q8Zr3xKpLmN0vW2yTa7sQe1D");
        expect(all).toContain("Cannot POST ****");
        expect((await store.verifyTimeline(inc.id)).ok).toBe(true);
      });
    } finally {
      await store.close();
      await handle.cleanup();
    }
  });
});

describe("tokens known by their shape", () => {
  it("masks a Firebreak, GitHub or Slack token nobody registered here, as a note quoting another person's token would carry it", () => {
    const fbk = `fbk_${"Ab3_-".repeat(9)}`;
    const text = `pasted ${fbk} and ghp_${"a1B2".repeat(9)} and github_pat_${"x9_Y".repeat(8)} and xoxb-1234-5678-abcdefghij`;
    const out = redact(text);
    expect(out).toBe("pasted **** and **** and **** and ****");
    // Ordinary words with the same beginnings stay as they are.
    expect(redact("fbk_ short, ghp_x, xoxb- alone")).toBe("fbk_ short, ghp_x, xoxb- alone");
  });
});

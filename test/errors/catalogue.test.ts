// The error catalogue: each code's exit, why and next come from one table, what a call site says
// wins, and the CLI prints the same error, in words and in --json, as it always did.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CATALOGUE, E, EXIT, FirebreakError, type ErrorCode } from "../../src/errors.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

const SRC = resolve(import.meta.dirname, "../../src");
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });

describe("the catalogue", () => {
  it("gives an error its exit, and the why and next it shows when the site says none", () => {
    const e = new FirebreakError({ code: "DIRTY_TREE", message: "dirty", details: ["a.txt"] });
    expect(e.exit).toBe(EXIT.refused);
    expect(e.why).toBe(CATALOGUE.DIRTY_TREE.why);
    expect(e.next).toBe(CATALOGUE.DIRTY_TREE.next);
    // A why it does not show stays unset: the site words it, or there is none.
    const usage = new FirebreakError({ code: "USAGE", message: "bad flag" });
    expect([usage.exit, usage.why, usage.next]).toEqual([EXIT.usage, undefined, undefined]);
  });

  it("lets a call site word the why and next for its case", () => {
    const e = new FirebreakError({ code: "NOT_A_REPO", message: "m", why: "own why", next: "own next" });
    expect([e.why, e.next, e.exit]).toEqual(["own why", "own next", EXIT.refused]);
    expect(E.notARepo("/tmp/x").next).toBe("cd into your project's checkout, or run: git init");
  });

  it("takes the exit of the signal that stopped an interrupted run", () => {
    for (const exit of [EXIT.hungUp, EXIT.interrupted, EXIT.terminated] as const)
      expect(new FirebreakError({ code: "INTERRUPTED", message: "stopped", exit }).exit).toBe(exit);
  });

  it("refuses, at compile time, a code it does not list and an exit a code does not allow", () => {
    // @ts-expect-error: not a code in the catalogue
    expect(() => new FirebreakError({ code: "NO_SUCH_CODE", message: "m" })).toThrow();
    // @ts-expect-error: USAGE always exits 2; only INTERRUPTED takes an exit
    expect(new FirebreakError({ code: "USAGE", message: "m", exit: EXIT.refused }).code).toBe("USAGE");
    // @ts-expect-error: INTERRUPTED exits with a signal's code
    expect(new FirebreakError({ code: "INTERRUPTED", message: "m", exit: EXIT.usage }).code).toBe("INTERRUPTED");
  });

  it("prints the error's JSON with the same keys in the same order", () => {
    const json = JSON.stringify(E.badTicket("nope", "^[A-Z]+-\\d+$"));
    expect(json).toBe(
      JSON.stringify({
        code: "BAD_TICKET",
        message: '"nope" is not a ticket id: it must match ^[A-Z]+-\\d+$.',
        next: CATALOGUE.BAD_TICKET.next,
        exit: 2,
        details: [],
      }),
    );
  });

  it("has no code that nothing raises, and every code it has is its own", () => {
    const code = sources(SRC)
      .filter((f) => !f.endsWith(join("errors", "catalogue.ts")) && !f.endsWith(join("errors", "doc.ts")))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const unused = (Object.keys(CATALOGUE) as ErrorCode[]).filter((c) => !code.includes(`"${c}"`));
    expect(unused, "codes in src/errors/catalogue.ts that no file raises: remove them, or raise them").toEqual([]);
    // The codes are stable names for scripts: upper snake case.
    for (const c of Object.keys(CATALOGUE)) expect(c).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it("lists only exits that are in the exit table, and a why and next for every code", () => {
    const exits = new Set<number>(Object.values(EXIT));
    for (const [c, e] of Object.entries(CATALOGUE)) {
      for (const x of "exits" in e ? e.exits : [e.exit]) expect(exits.has(x), `${c}: exit ${x}`).toBe(true);
      expect(e.why.trim(), c).not.toBe("");
      expect(e.next.trim(), c).not.toBe("");
    }
  });
});

describe("an error from the CLI", () => {
  let fx: GitFixture;
  beforeEach(() => {
    fx = makeRepo();
  });
  afterEach(() => fx.cleanup());

  it("prints the catalogue's why and next, and exits with its exit", async () => {
    fx.write("src/app.js", "changed\n");
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1"]);
    expect(r.code).toBe(CATALOGUE.DIRTY_TREE.exit);
    expect(r.stderr).toBe(
      [
        "✖ The work tree has uncommitted changes; a hotfix branch must start clean.",
        "  - src/app.js",
        `  why: ${CATALOGUE.DIRTY_TREE.why}`,
        `Next: ${CATALOGUE.DIRTY_TREE.next}`,
        "",
      ].join("\n"),
    );
  });

  it("prints it as JSON with --json", async () => {
    fx.write("src/app.js", "changed\n");
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1", "--json"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(
      JSON.stringify(
        {
          error: {
            code: "DIRTY_TREE",
            message: "The work tree has uncommitted changes; a hotfix branch must start clean.",
            why: "Carrying unrelated edits into a hotfix makes the fix larger than it is.",
            next: "commit what belongs on the production branch (a new .firebreak.yml, say), then: git stash push --include-untracked   # and run the same firebreak command again",
            exit: 4,
            details: ["src/app.js"],
          },
        },
        null,
        2,
      ) + "\n",
    );
  });
});

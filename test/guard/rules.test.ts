import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitFixture } from "../helpers/git-fixture.js";
import { renderGuardReport } from "../../src/guard/render-report.js";
import { GOOD_FIX, guard, hotfixRepo, rulesHit } from "./fixture.js";

let fx: GitFixture;
beforeEach(() => {
  fx = hotfixRepo();
});
afterEach(() => fx.cleanup());
/** Starts over with these files already in production. */
function rebase(files: Record<string, string>): void {
  fx.cleanup();
  fx = hotfixRepo(files);
}

const PKG = { name: "svc", version: "1.0.0", scripts: { test: "vitest" }, dependencies: { jsonwebtoken: "9.0.0", a: "1" } };
const pkg = (o: object) => JSON.stringify(o, null, 2) + "\n";

describe("a well-formed fix", () => {
  it("has no findings and does not block", async () => {
    const r = await guard(fx);
    expect(r.findings).toEqual([]);
    expect(r.blocked).toBe(false);
    expect(r.stats).toEqual({ files: 1, lines: 5, testFiles: 1, testLines: 1 });
  });
});

describe("dependencies", () => {
  it("passes when package.json changes only scripts and version, with keys reordered", async () => {
    rebase({ "package.json": pkg(PKG) });
    fx.write(
      "package.json",
      pkg({ version: "1.0.1", name: "svc", dependencies: { a: "1", jsonwebtoken: "9.0.0" }, scripts: { test: "vitest run" } }),
    );
    const r = await guard(fx);
    expect(rulesHit(r)).not.toContain("dependencies");
  });
  it("blocks a dependency bump in package.json and a changed lock file", async () => {
    rebase({ "package.json": pkg(PKG), "package-lock.json": "{}\n" });
    fx.write("package.json", pkg({ ...PKG, dependencies: { ...PKG.dependencies, jsonwebtoken: "9.0.2" } }));
    fx.write("package-lock.json", '{"v":2}\n');
    fx.write("services/api/go.sum", "x v1\n");
    const r = await guard(fx);
    const deps = r.findings.filter((f) => f.rule === "dependencies");
    expect(deps.map((f) => [f.file, f.severity])).toEqual([
      ["package-lock.json", "block"],
      ["package.json", "block"],
      ["services/api/go.sum", "block"],
    ]);
    expect(deps[1]!.message).toContain("dependencies");
    expect(r.blocked).toBe(true);
  });
});

describe("regression-test", () => {
  it("passes with a changed test file (any language's pattern)", async () => {
    fx.git("checkout", "-q", "--", "test/auth.test.js");
    fx.write("pkg/token_test.go", "package pkg\n");
    expect(rulesHit(await guard(fx))).not.toContain("regression-test");
  });
  it("blocks when no test is added or changed, and a deleted test does not count", async () => {
    fx.git("checkout", "-q", "--", "test/auth.test.js");
    fx.git("rm", "-q", "test/auth.test.js");
    const r = await guard(fx);
    expect(r.findings.find((f) => f.rule === "regression-test")?.severity).toBe("block");
    expect(r.blocked).toBe(true);
  });
  it("uses the configured test patterns", async () => {
    fx.git("checkout", "-q", "--", "test/auth.test.js");
    fx.write("checks/auth.check.js", "// check\n");
    const r = await guard(fx, { config: { testPatterns: ["checks/**"] } });
    expect(rulesHit(r)).not.toContain("regression-test");
  });
});

describe("size", () => {
  it("counts only non-test lines: a big test is fine", async () => {
    fx.write("test/auth.test.js", "x\n".repeat(2000));
    const r = await guard(fx, { priority: "P0" });
    expect(rulesHit(r)).not.toContain("size");
    expect(r.stats.testLines).toBeGreaterThan(1000);
  });
  it("blocks a change over the level's line or file budget", async () => {
    fx.write("src/auth.js", "// ENG-1234 because\n" + "x;\n".repeat(200));
    const p1 = await guard(fx, { priority: "P1" });
    expect(rulesHit(p1)).not.toContain("size"); // 201 + 1 lines ≤ 250
    const p0 = await guard(fx, { priority: "P0" });
    expect(p0.findings.find((f) => f.rule === "size")?.message).toMatch(/lines \(budget 150\)/);
    for (let i = 0; i < 6; i++) fx.write(`src/f${i}.js`, "y\n");
    const files = await guard(fx, { priority: "P0", config: { levels: { P0: { maxLines: 10_000 } } } });
    expect(files.findings.find((f) => f.rule === "size")?.message).toMatch(/7 files \(budget 5\)/);
  });
});

describe("churn", () => {
  it("passes a change without renames or formatting hunks", async () => {
    expect(rulesHit(await guard(fx))).not.toContain("churn");
  });
  it("warns on a rename and on a whitespace-only hunk", async () => {
    rebase({ "src/util.js": "function a() {\n  return 1;\n}\nconst z = 3;\n" });
    fx.git("mv", "src/app.js", "src/application.js");
    fx.write("src/util.js", "function a() {\n    return 1;\n}\nconst z = 4;\n");
    const r = await guard(fx);
    const churn = r.findings.filter((f) => f.rule === "churn");
    expect(churn.map((f) => [f.file, f.severity, f.message])).toEqual([
      ["src/application.js", "warn", "renamed or moved from src/app.js"],
      ["src/util.js", "warn", "1 formatting-only hunk (whitespace changes)"],
    ]);
    expect(r.blocked).toBe(false);
  });
});

describe("a formatting-only change (axios \"style: '()=>' → '() =>'\")", () => {
  // Four lib files and seven test files, as in axios, where only the arrow's spacing changed.
  const lib: Record<string, string> = {
    "lib/adapters/fetch.js":
      "const isFetchSupported = typeof fetch === 'function';\nconst test = (fn, ...args)=>{\n  try {\n    return !!fn(...args);\n  } catch (e) {\n    return false;\n  }\n};\nexport default isFetchSupported && (async (config)=>{\n  return test(()=>config);\n});\n",
    "lib/helpers/composeSignals.js":
      "const composeSignals = (signals, timeout)=>{\n  let controller = new AbortController();\n  const unsubscribe = ()=>{\n    signals.forEach(signal => signal.removeEventListener('abort', onabort));\n  };\n  return controller.signal;\n};\nexport default composeSignals;\n",
    "lib/helpers/trackStream.js":
      "export const streamChunk = function* (chunk, chunkSize) {\n  yield chunk;\n};\nexport const trackStream = (stream, chunkSize, onProgress, onFinish)=>{\n  return stream;\n};\n",
    "lib/helpers/progressEventReducer.js":
      "export const progressEventReducer = (listener, isDownloadStream, freq = 3)=>{\n  let bytesNotified = 0;\n  return (e)=>{\n    bytesNotified = e.loaded;\n  };\n};\n",
  };
  const tests: Record<string, string> = {};
  for (const name of ["fetch", "http", "xhr", "composeSignals", "trackStream", "progressEventReducer", "headers"])
    tests[`test/unit/adapters/${name}.js`] = `describe('${name}', ()=>{\n  it('works', async ()=>{\n    assert.ok(true);\n  });\n});\n`;
  const spaced = (text: string) => text.replaceAll(")=>", ") =>");

  it("blocks on churn (whatever the level's warn) and does not count the test edits as a regression test", async () => {
    rebase({ ...lib, ...tests });
    for (const [p, c] of Object.entries({ ...lib, ...tests })) fx.write(p, spaced(c));
    fx.git("checkout", "-q", "HEAD", "--", ...Object.keys(GOOD_FIX)); // only the formatting remains
    const r = await guard(fx);
    const block = r.findings.find((f) => f.rule === "churn" && f.severity === "block");
    expect(block?.message).toBe("the change outside tests is formatting only (4 files, whitespace changes only): it fixes nothing");
    const regression = r.findings.find((f) => f.rule === "regression-test");
    expect(regression?.severity).toBe("block");
    expect(regression?.message).toMatch(
      /^test files changed in formatting only \(test\/unit\/adapters\/composeSignals\.js, .*4 more\): no regression test$/,
    );
    expect(r.blocked).toBe(true);
    const text = renderGuardReport(r, { color: false }).join("\n");
    expect(text).toContain("Blocked by regression-test, churn. To fix:");
    expect(text).toContain("  churn: Make the fix itself; leave formatting for a normal release.");
  });

  it("a real fix beside formatting hunks only warns, and a real test edit is a regression test", async () => {
    rebase({ ...lib, ...tests });
    fx.write(
      "lib/helpers/composeSignals.js",
      spaced(lib["lib/helpers/composeSignals.js"]!).replace(
        "let controller",
        "// ENG-1234: abort listeners leaked because unsubscribe never ran\n  let controller",
      ),
    );
    fx.write("test/unit/adapters/composeSignals.js", tests["test/unit/adapters/composeSignals.js"]! + "it('unsubscribes', () => {});\n");
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "churn").map((f) => f.severity)).toEqual(["warn"]);
    expect(rulesHit(r)).not.toContain("regression-test");
    expect(r.blocked).toBe(false);
  });
});

describe("spread", () => {
  it("does not count a test folder beside the code, or files in the same area", async () => {
    fx.write("src/deep/helper.js", "// ENG-1234\nconst h = 1;\n");
    fx.write("tests/fixtures/token.json", "{}\n");
    expect(rulesHit(await guard(fx))).not.toContain("spread");
  });
  it("warns about a file in another top-level area", async () => {
    fx.write("docs/notes.md", "unrelated\n");
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "spread").map((f) => [f.file, f.message])).toEqual([
      ["docs/notes.md", "in docs, away from the rest of the change in src"],
    ]);
  });
});

describe("spread on express's shape: lib/response.js fixed, History.md longer", () => {
  it("names the changelog as the odd file out, not the fix", async () => {
    rebase({
      "History.md": "4.19.2 / 2024-03-25\n==========\n\n  * Improved fix for open redirect allow list bypass\n",
      "lib/response.js":
        "res.send = function send(body) {\n  var chunk = body;\n  var encoding;\n  var req = this.req;\n  return this;\n};\n",
      "package-lock.json": "{}\n",
    });
    fx.git("checkout", "-q", "HEAD", "--", ...Object.keys(GOOD_FIX));
    fx.write(
      "lib/response.js",
      "res.send = function send(body) {\n  var chunk = body;\n  // ENG-1234: a null body was sent as the string 'null' because typeof null is 'object'\n  if (chunk === null) chunk = '';\n  var encoding;\n  var req = this.req;\n  return this;\n};\n",
    );
    fx.write(
      "History.md",
      'unreleased\n==========\n\n  * Fix `res.send(null)` to send an empty body\n    - previously sent the string "null"\n    - matches `res.json(null)` semantics\n    - see the 4.x line\n\n4.19.2 / 2024-03-25\n==========\n\n  * Improved fix for open redirect allow list bypass\n',
    );
    fx.write(
      "test/res.send.js",
      "it('should send an empty body for null', function (done) {\n  request(app).get('/').expect(200, '', done);\n});\n",
    );
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "spread").map((f) => [f.file, f.message])).toEqual([
      ["History.md", "in (root), away from the rest of the change in lib"],
    ]);
  });
});

describe("public-api", () => {
  it("passes when an existing export changes", async () => {
    fx.write("src/auth.js", "export function check(token) {\n  // ENG-1234 because\n  return token.length > 0;\n}\n");
    expect(rulesHit(await guard(fx))).not.toContain("public-api");
  });
  it("warns on new exported symbols in JS/TS", async () => {
    fx.write("src/auth.js", GOOD_AUTH + "export const MAX = 3;\nexport { check as verify };\n");
    const r = await guard(fx);
    expect(r.findings.find((f) => f.rule === "public-api")).toMatchObject({
      file: "src/auth.js",
      severity: "warn",
      message: "new exports: MAX, verify",
    });
  });
});

describe("public-api on axios's and express's shapes", () => {
  const names = [
    "Axios",
    "AxiosError",
    "CanceledError",
    "isCancel",
    "CancelToken",
    "VERSION",
    "all",
    "Cancel",
    "isAxiosError",
    "spread",
    "toFormData",
    "AxiosHeaders",
    "HttpStatusCode",
    "formToJSON",
    "getAdapter",
    "mergeConfig",
  ];
  const axiosIndex = (list: string[]) =>
    "import axios from './lib/axios.js';\n\n// This module is intended to unwrap Axios default export as named.\nconst {\n" +
    list.map((n) => `  ${n}`).join(",\n") +
    "\n} = axios;\n\nexport {\n  axios as default,\n" +
    list.map((n) => `  ${n}`).join(",\n") +
    "\n}\n";
  const dts = (extra: string) =>
    "export interface AxiosInstance extends Axios {\n  defaults: Omit<AxiosDefaults, 'headers'>;\n}\n\nexport interface AxiosStatic extends AxiosInstance {\n" +
    extra +
    "  Cancel: CancelStatic;\n  CancelToken: CancelTokenStatic;\n  isCancel(value: any): value is Cancel;\n  all<T>(values: Array<T | Promise<T>>): Promise<T[]>;\n}\n\ndeclare const axios: AxiosStatic;\n\nexport default axios;\n";
  const dcts = (extra: string) =>
    "declare namespace axios {\n  type AxiosHeaderValue = AxiosHeaders | string | string[] | number | boolean | null;\n" +
    extra +
    "  interface AxiosRequestConfig<D = any> {\n    url?: string;\n    headers?: RawAxiosRequestHeaders;\n  }\n}\n\ndeclare const axios: axios.AxiosStatic;\n\nexport = axios;\n";
  const utils = (extra: string) =>
    "'use strict';\n\nfunction isAbsoluteURL(url) {\n  return /^([a-z][a-z\\d+\\-.]*:)?\\/\\//i.test(url);\n}\n\nmodule.exports = {\n  isAbsoluteURL: isAbsoluteURL,\n" +
    extra +
    "  etag: createETagGenerator({ weak: false }),\n};\n";

  it("finds exports added inside a multi-line export list, a declaration file and module.exports = { … }", async () => {
    rebase({ "index.js": axiosIndex(names), "index.d.ts": dts(""), "index.d.cts": dcts(""), "lib/utils.js": utils("") });
    fx.write("index.js", axiosIndex([...names.slice(0, 15), "FetchAdapter", "create", ...names.slice(15)]));
    fx.write("index.d.ts", dts("  create(config?: CreateAxiosDefaults): AxiosInstance;\n"));
    fx.write("index.d.cts", dcts("  type FetchAdapter = (config: InternalAxiosRequestConfig) => AxiosPromise;\n"));
    fx.write("lib/utils.js", utils("  compileTrust: compileTrust,\n  setCharset(type, charset) {\n    return type;\n  },\n"));
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "public-api").map((f) => [f.file, f.message])).toEqual([
      ["index.d.cts", "new export: axios.FetchAdapter"],
      ["index.d.ts", "new export: AxiosStatic.create"],
      ["index.js", "new exports: FetchAdapter, create"],
      ["lib/utils.js", "new exports: compileTrust, setCharset"],
    ]);
  });

  it("finds export default, exports.x and module.exports additions, and stays quiet when an entry only moves", async () => {
    rebase({
      "lib/express.js":
        "'use strict';\n\nexports = module.exports = createApplication;\n\nexports.application = proto;\nexports.request = req;\n",
      "lib/adapters/fetch.js": "const isFetchSupported = typeof fetch === 'function';\n",
      "index.js": axiosIndex(names),
    });
    fx.write(
      "lib/express.js",
      "'use strict';\n\nexports = module.exports = createApplication;\n\nexports.application = proto;\nexports.request = req;\nexports.text = bodyParser.text;\n",
    );
    fx.write(
      "lib/adapters/fetch.js",
      "const isFetchSupported = typeof fetch === 'function';\n\nexport default isFetchSupported && (async (config) => {\n  return config;\n});\n",
    );
    fx.write("index.js", axiosIndex([...names].reverse()));
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "public-api").map((f) => [f.file, f.message])).toEqual([
      ["lib/adapters/fetch.js", "new export: default"],
      ["lib/express.js", "new export: text"],
    ]);
  });
});

describe("infrastructure", () => {
  it("passes when no CI or deploy file is touched", async () => {
    expect(rulesHit(await guard(fx))).not.toContain("infrastructure");
  });
  it("blocks a change to a CI workflow or a Dockerfile", async () => {
    fx.write(".github/workflows/ci.yml", "on: push\n");
    fx.write("Dockerfile", "FROM node:20\n");
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "infrastructure").map((f) => [f.file, f.severity])).toEqual([
      [".github/workflows/ci.yml", "block"],
      ["Dockerfile", "block"],
    ]);
  });
});

describe("binary", () => {
  it("passes binary fixtures inside tests", async () => {
    fx.write("test/fixtures/token.bin", "\0\x01\x02");
    expect(rulesHit(await guard(fx))).not.toContain("binary");
  });
  it("blocks a committed or untracked binary file", async () => {
    fx.write("src/logo.png", "\x89PNG\0\0\x01");
    fx.git("add", "src/logo.png");
    fx.git("commit", "-q", "-m", "logo");
    fx.write("src/font.woff", "wOFF\0\0");
    const r = await guard(fx);
    expect(r.findings.filter((f) => f.rule === "binary").map((f) => f.file)).toEqual(["src/font.woff", "src/logo.png"]);
  });
});

describe("root-cause", () => {
  it("passes with a comment that says why, without the ticket", async () => {
    fx.write("src/auth.js", "export function check(t) {\n  # prevents empty tokens from passing\n  return t.length > 0;\n}\n");
    expect(rulesHit(await guard(fx))).not.toContain("root-cause");
  });
  it("warns when no added comment names the ticket or says why", async () => {
    fx.write("src/auth.js", "export function check(t) {\n  // tidy\n  return t.length > 0;\n}\n");
    const r = await guard(fx);
    expect(r.findings.find((f) => f.rule === "root-cause")).toMatchObject({
      severity: "warn",
      message: "no added comment mentions ENG-1234 or says why",
    });
    expect(r.blocked).toBe(false);
  });
});

const GOOD_AUTH =
  "export function check(t) {\n  // ENG-1234: empty tokens passed because the length was never checked\n  return t.length > 0;\n}\n";

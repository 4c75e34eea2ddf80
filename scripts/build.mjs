// Bundles the CLI into dist/:
//   firebreak.js  the entry, CommonJS: a few lines that pick the fast status path or the full program.
//                 `firebreak status` (fast-status.ts) is bundled into it and evaluated only when
//                 status runs: one file to load, no commander, no Kysely.
//   program.mjs   every command (ESM), with each command's code in its own chunk (chunks/*.mjs)
//                 loaded on demand
//   package.json  {"type": "commonjs"}, so node reads firebreak.js as CommonJS
//   action.cjs    action.yml's entry: the CLI's hidden `ci-action` command
//
// `--action` (npm run build:action) builds the GitHub Action's bundle: the same files, but with
// nothing left to node_modules, because a runner runs the action from a checkout of a release tag
// with no `npm ci`: pg is bundled too, and better-sqlite3, whose native binary is built for one Node
// and one platform, is replaced by a stand-in that makes the store open the record with Node's own
// node:sqlite (Node 22.5 and later; the Actions runtime is Node 24). `--outdir DIR` builds elsewhere
// than dist/ (the tests build a clean copy of the bundle that way).
// Why CommonJS for the entry: before the first line of an ES module entry runs, Node 20 sets up its
// ESM loader (~12 ms on a 2-core machine, a tenth of `node -e 0`); `status` never needs it, and
// every other command sets it up anyway when it imports program.mjs.
import { build } from "esbuild";
import { rmSync, chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const argv = process.argv.slice(2);
const action = argv.includes("--action");
const target = argv.includes("--outdir") ? resolve(argv[argv.indexOf("--outdir") + 1]) : resolve("dist");

// Build beside the target and swap it in, so a CLI run in progress never sees a half-written bundle.
const out = join(dirname(target), `dist.tmp-${process.pid}`);
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // pg stays outside the bundle (node resolves it from node_modules), and so does better-sqlite3's
  // native binary: its JavaScript is bundled and loads the binary itself (store/sqlite-driver.ts),
  // so `bindings`, its own binary finder, is only needed by the installed package as a fallback.
  // In the Action's bundle only the optional native pg client stays out (pg loads it only when asked).
  external: action ? ["pg-native", "bindings"] : ["pg", "bindings"],
  logLevel: "warning",
};

// The entry's one dynamic import stays a dynamic import of the program bundle built below.
const programExternal = {
  name: "program-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/program\.js$/ }, () => ({ path: "./program.mjs", external: true }));
  },
};

await Promise.all([
  build({
    ...common,
    format: "cjs",
    entryPoints: { firebreak: "src/cli/main.ts" },
    outdir: out,
    plugins: [programExternal],
    // The sources are ES modules; in CommonJS import.meta.url is this file's URL.
    define: { "import.meta.url": "__fbImportMetaUrl" },
    banner: { js: '#!/usr/bin/env node\nconst __fbImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    format: "esm",
    entryPoints: { program: "src/cli/program.ts" },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // commander and other CJS packages call require(); ESM output needs a real require.
    banner: {
      js: "import { createRequire as __fbCreateRequire } from 'node:module';\nconst require = __fbCreateRequire(import.meta.url);",
    },
  }),
]);
writeFileSync(`${out}/package.json`, `${JSON.stringify({ type: "commonjs" })}\n`);
chmodSync(`${out}/firebreak.js`, 0o755);
writeFileSync(
  `${out}/action.cjs`,
  [
    "// action.yml's entry on the Actions Node runtime: the bundled CLI beside it running its hidden",
    "// `ci-action` command (src/action/command.ts). Written by scripts/build.mjs.",
    'process.argv.splice(2, 0, "ci-action");',
    'require("./firebreak.js");',
    "",
  ].join("\n"),
);
if (action) {
  // The stand-in fails the way a binary built for another Node does, which is what sends the
  // store to node:sqlite (store/sqlite-driver.ts); its message says why, should Node lack it.
  const stand = `${out}/node_modules/better-sqlite3`;
  mkdirSync(stand, { recursive: true });
  writeFileSync(`${stand}/package.json`, `${JSON.stringify({ name: "better-sqlite3", main: "index.js", private: true })}\n`);
  writeFileSync(
    `${stand}/index.js`,
    [
      "// The Action's bundle carries no native better-sqlite3 binary: the record opens with node:sqlite.",
      'const e = new Error("The action bundle has no native SQLite binary (ERR_DLOPEN_FAILED): the record opens with node:sqlite, which needs Node 22.5 or later. Or use PostgreSQL: FIREBREAK_DATABASE_URL.");',
      'e.code = "ERR_DLOPEN_FAILED";',
      "throw e;",
      "",
    ].join("\n"),
  );
}
rmSync(target, { recursive: true, force: true });
renameSync(out, target);

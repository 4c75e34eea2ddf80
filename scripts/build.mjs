// Bundles the CLI into dist/:
//   firebreak.js  the entry, CommonJS: a few lines that pick the fast status path or the full program.
//                 `firebreak status` (fast-status.ts) is bundled into it and evaluated only when
//                 status runs: one file to load, no commander, no Kysely.
//   program.mjs   every command (ESM), with each command's code in its own chunk (chunks/*.mjs)
//                 loaded on demand
//   package.json  {"type": "commonjs"}, so node reads firebreak.js as CommonJS
// Why CommonJS for the entry: before the first line of an ES module entry runs, Node 20 sets up its
// ESM loader (~12 ms on a 2-core machine, a tenth of `node -e 0`); `status` never needs it, and
// every other command sets it up anyway when it imports program.mjs.
import { build } from "esbuild";
import { rmSync, chmodSync, renameSync, writeFileSync } from "node:fs";

// Build beside dist/ and swap it in, so a CLI run in progress never sees a half-written bundle.
const out = `dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // pg stays outside the bundle (node resolves it from node_modules), and so does better-sqlite3's
  // native binary: its JavaScript is bundled and loads the binary itself (store/sqlite-driver.ts),
  // so `bindings`, its own binary finder, is only needed by the installed package as a fallback.
  external: ["pg", "bindings"],
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
rmSync("dist", { recursive: true, force: true });
renameSync(out, "dist");

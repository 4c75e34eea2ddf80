// Bundles the CLI into dist/:
//   firebreak.js   the entry: a few lines that pick the fast status path or the full program
//   fast-status.js `firebreak status` in one file (one module to load, no commander, no Kysely)
//   program.js     every command, with each command's code in its own chunk loaded on demand
import { build } from "esbuild";
import { rmSync, chmodSync, renameSync } from "node:fs";

// Build beside dist/ and swap it in, so a CLI run in progress never sees a half-written bundle.
const out = `dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // Native and heavy drivers stay outside the bundle; node resolves them from node_modules.
  external: ["better-sqlite3", "pg"],
  // commander and other CJS packages call require(); ESM output needs a real require.
  banner: { js: "import { createRequire as __fbCreateRequire } from 'node:module';\nconst require = __fbCreateRequire(import.meta.url);" },
  logLevel: "warning",
};

// The entry keeps its two dynamic imports as they are: they name the files built below.
const siblingsExternal = {
  name: "siblings-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/(fast-status|program)\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

await Promise.all([
  build({ ...common, entryPoints: { firebreak: "src/cli/main.ts" }, outdir: out, plugins: [siblingsExternal], banner: { js: "#!/usr/bin/env node" } }),
  build({ ...common, entryPoints: { "fast-status": "src/cli/fast-status.ts" }, outdir: out }),
  build({ ...common, entryPoints: { program: "src/cli/program.ts" }, outdir: out, splitting: true, chunkNames: "chunks/[name]-[hash]" }),
]);
chmodSync(`${out}/firebreak.js`, 0o755);
rmSync("dist", { recursive: true, force: true });
renameSync(out, "dist");

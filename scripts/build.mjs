// Bundles the CLI into dist/. The entry is small; each command's code is a separate chunk
// loaded only when that command runs, so `firebreak status` does not pay for `check` or `pr`.
import { build } from "esbuild";
import { rmSync, chmodSync, renameSync } from "node:fs";

// Build beside dist/ and swap it in, so a CLI run in progress never sees a half-written bundle.
const tmp = `dist.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
await build({
  entryPoints: { firebreak: "src/cli/main.ts" },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  // Native and heavy drivers stay outside the bundle; node resolves them from node_modules.
  external: ["better-sqlite3", "pg"],
  // commander and other CJS packages call require(); ESM output needs a real require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __fbCreateRequire } from 'node:module';\nconst require = __fbCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
chmodSync(`${tmp}/firebreak.js`, 0o755);
rmSync("dist", { recursive: true, force: true });
renameSync(tmp, "dist");

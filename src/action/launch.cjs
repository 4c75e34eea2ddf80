// action.yml's entry on the Actions Node runtime, copied by scripts/build.mjs to dist/action.cjs:
// the bundled CLI beside it (dist/firebreak.js) running its hidden `ci-action` command. A release
// tag carries dist/ built with `npm run build:action`, which needs no node_modules (docs/action.md).
process.argv.splice(2, 0, "ci-action");
require("./firebreak.js");

// action.yml's entry on the Actions Node runtime: the bundled CLI (dist/firebreak.js, built by
// `npm run build` and shipped in the release) running its hidden `ci-action` command.
process.argv.splice(2, 0, "ci-action");
require("../../dist/firebreak.js");

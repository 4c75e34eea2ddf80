// The layering of src/, checked by `npm run lint:deps` (part of `npm run lint`, so of `npm test`).
// docs/architecture.md explains the layers; in short, from the inside out:
//   domain    src/domain/            pure rules and types: imports only itself, errors and zod
//   ports     src/ports/, ports.ts   the interfaces of outside systems: types only
//   adapters  src/adapters/, src/store/, src/verify/sources/   implement ports; never import workflow
//   workflow  src/workflow/          the operations: domain, ports, render, the verify maths
//   cli       src/cli/               parses flags, calls app and workflow, renders
//   app       src/app/               the composition root: the one place adapters are built
// Shared leaves anyone may import: errors.ts, redact.ts, redact-lines.ts, crash-point.ts, stop.ts.
//
// Violations that existed when the rules were written are listed in
// .dependency-cruiser-known-violations.json and tolerated (--ignore-known): each is work still to do,
// and the list only shrinks (regenerate it with `npm run lint:deps:baseline` after fixing some, never
// to hide a new one). A new violation fails the check.

/** Files any layer may import. */
const SHARED = "^src/(errors|redact|redact-lines|crash-point|stop)[.]ts$";
const ADAPTERS = "^src/(adapters|store|verify/sources)/";
// The verify maths stay in src/verify/; its sources/ and http.ts reach the network.
const VERIFY_IO = "^src/verify/(sources/|http[.]ts$)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes both modules load half-initialised and hides which one is the lower layer.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "The domain imports only itself, the shared errors and zod: no I/O, no node built-ins, no other layer.",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", SHARED, "^node_modules/zod/"] },
    },
    {
      name: "ports-are-types",
      severity: "error",
      comment: "Ports describe outside systems; they import only domain and config types (and each other).",
      from: { path: ["^src/ports/", "^src/ports[.]ts$"] },
      to: { pathNot: ["^src/ports/", "^src/domain/", "^src/config/", SHARED] },
    },
    {
      name: "workflow-not-to-adapters",
      severity: "error",
      comment: "Operations receive built adapters through their deps (built in src/app/); they never import one.",
      from: { path: "^src/workflow/" },
      to: { path: [ADAPTERS, VERIFY_IO] },
    },
    {
      name: "workflow-not-to-cli-or-app",
      severity: "error",
      comment: "Operations are driven by every face (CLI, server, agent, CI): they know none of them, nor the composition root.",
      from: { path: "^src/workflow/" },
      to: { path: ["^src/cli/", "^src/app/"] },
    },
    {
      name: "adapters-not-to-workflow",
      severity: "error",
      comment: "Adapters implement ports with ports, domain, config and errors; the workflow is above them.",
      from: { path: ADAPTERS },
      to: { path: ["^src/(workflow|cli|app|announce|backport|review|ship|checks|guard|demo)/"] },
    },
    {
      name: "cli-not-to-adapters",
      severity: "error",
      comment:
        "The CLI gets adapters from the composition root (src/app/) and hands them to operations. One documented exception: " +
        "status's read-only fast path (cli/fast-status.ts) reads the record and, when .git cannot be read directly, runs git " +
        "through the Git adapter itself, with its hardening, without loading the composition root (start-up).",
      from: { path: "^src/cli/", pathNot: "^src/cli/fast-status[.]ts$" },
      to: { path: [ADAPTERS, VERIFY_IO] },
    },
    {
      name: "only-cli-and-app-to-cli",
      severity: "error",
      comment: "Nothing below the CLI imports it: a formatter others need belongs in src/render/ or the domain.",
      from: { path: "^src/", pathNot: ["^src/cli/", "^src/app/", "^src/demo/"] },
      to: { path: "^src/cli/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing (node: built-ins newer than the resolver, such as node:sqlite, aside).",
      from: {},
      to: { couldNotResolve: true, pathNot: "^node:" },
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment: "What ships (src/) must not need a devDependency at run time.",
      from: { path: "^src/" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a workflow that names an adapter's type still depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

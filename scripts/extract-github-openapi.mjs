#!/usr/bin/env node
// Extracts from GitHub's OpenAPI description (npm @octokit/openapi, ~385 MB installed, never a
// project dependency) only the operations the GitHub forge adapter calls, with every component
// they reference, into test/fixtures/github-openapi-subset.json. The contract server in
// test/helpers/github-contract-server.ts validates the adapter's requests against it.
//
//   node scripts/extract-github-openapi.mjs [path/to/api.github.com.json]
//
// Descriptions and examples are dropped to keep the committed file small; schemas are kept as
// written ($ref into the copied components), so a refreshed description is a re-run away.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_SOURCE = "/tmp/octo-openapi/node_modules/@octokit/openapi/generated/api.github.com.json";

/** The operations the GitHub adapters send (forge, CI state, tracker). Keep in step with them. */
export const OPERATIONS = [
  "pulls/list",
  "pulls/create",
  "pulls/get",
  "pulls/update",
  "pulls/request-reviewers",
  "pulls/list-reviews",
  "pulls/merge",
  "issues/get-label",
  "issues/create-label",
  "issues/add-labels",
  "issues/create",
  "issues/create-comment",
  "checks/list-for-ref",
  "repos/get-combined-status-for-ref",
];

const METHODS = ["get", "put", "post", "patch", "delete"];
const DROP = new Set(["description", "summary", "example", "examples", "externalDocs", "x-github", "x-github-breaking-changes"]);

function strip(v, inProperties = false) {
  if (Array.isArray(v)) return v.map((x) => strip(x));
  if (v && typeof v === "object") {
    const out = {};
    // Inside `properties` the keys are field names (a field may be called "description").
    for (const [k, x] of Object.entries(v)) if (inProperties || !DROP.has(k)) out[k] = strip(x, k === "properties" && !inProperties);
    return out;
  }
  return v;
}

// OpenAPI 3.0 allows `nullable` beside oneOf/anyOf with no `type`, which JSON Schema validators
// refuse, and beside an enum that does not list null. Say the same thing in JSON Schema.
function nullableToJsonSchema(v) {
  if (Array.isArray(v)) return v.map(nullableToJsonSchema);
  if (!v || typeof v !== "object") return v;
  const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nullableToJsonSchema(x)]));
  // `nullable` admits null, but an enum beside it still lists only the non-null values.
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.nullable === true && !("type" in out)) {
    delete out.nullable;
    for (const key of ["oneOf", "anyOf"]) if (Array.isArray(out[key])) out[key] = [...out[key], { type: "null" }];
  }
  return out;
}

function collectRefs(v, into) {
  if (Array.isArray(v)) for (const x of v) collectRefs(x, into);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") into.add(x);
      else collectRefs(x, into);
    }
  }
}

export function extract(spec, operations = OPERATIONS) {
  const wanted = new Set(operations);
  const paths = {};
  // GitHub's own example answers, per operation and status: the contract server builds its
  // responses from them (then validates what it built against the schema).
  const examples = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op || !wanted.has(op.operationId)) continue;
      wanted.delete(op.operationId);
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        const ex = res.content?.["application/json"]?.examples;
        const first = ex && Object.values(ex)[0];
        if (!first) continue;
        const value = first.$ref ? spec.components.examples[first.$ref.split("/").pop()]?.value : first.value;
        if (value !== undefined) (examples[op.operationId] ??= {})[status] = value;
      }
      paths[path] ??= {};
      paths[path][m] = strip(op);
    }
  }
  if (wanted.size > 0) throw new Error(`not in the description: ${[...wanted].join(", ")}`);

  // Copy the referenced components, following references inside them until none are new.
  const components = {};
  const seen = new Set();
  const queue = new Set();
  collectRefs(paths, queue);
  while (queue.size > 0) {
    const [ref] = queue;
    queue.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (!m) throw new Error(`unsupported $ref ${ref}`);
    const [, section, name] = m;
    const target = spec.components[section]?.[name];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    const copy = strip(target);
    components[section] ??= {};
    components[section][name] = copy;
    const more = new Set();
    collectRefs(copy, more);
    for (const r of more) if (!seen.has(r)) queue.add(r);
  }
  return {
    openapi: spec.openapi,
    info: { title: spec.info.title, version: spec.info.version, "x-extracted-operations": operations },
    paths: nullableToJsonSchema(paths),
    components: nullableToJsonSchema(components),
    "x-examples": examples,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = process.argv[2] ?? DEFAULT_SOURCE;
  const here = dirname(fileURLToPath(import.meta.url));
  const outFile = join(here, "..", "test", "fixtures", "github-openapi-subset.json");
  const subset = extract(JSON.parse(readFileSync(source, "utf8")));
  mkdirSync(dirname(outFile), { recursive: true });
  const text = JSON.stringify(subset, null, 1) + "\n";
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile}: ${Object.keys(subset.paths).length} paths, ${(text.length / 1024).toFixed(0)} KB`);
}

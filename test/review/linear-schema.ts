// Linear's GraphQL schema, rebuilt from the one @linear/sdk ships: its generated type declarations
// (node_modules/@linear/sdk/dist/index-*.d.mts) are the schema in TypeScript form — scalars, enums,
// object and input types, interfaces (the `Node & {…}` intersections), unions, and the arguments of
// every field (`<Type><Field>Args`). This turns them back into SDL for graphql-js, so the local
// Linear server validates each request exactly as a GraphQL server with that schema would.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { buildSchema, type GraphQLSchema } from "graphql";

const BUILTIN = new Set(["ID", "String", "Boolean", "Int", "Float"]);

function sdkTypesFile(): string {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@linear/sdk"));
  const file = readdirSync(dist).find((f) => /^index-.*\.d\.mts$/.test(f));
  if (!file) throw new Error(`no generated schema types in ${dist}`);
  return join(dist, file);
}

interface Field {
  name: string;
  optional: boolean;
  type: string; // the TypeScript type expression
}
interface Decl {
  name: string;
  parents: string[];
  fields: Field[];
  typename: boolean;
}

/** A TypeScript type expression of the generated code → a GraphQL type reference. */
function gqlType(ts: string, nonNull: boolean): string {
  let t = ts.trim();
  let nullable = !nonNull;
  const unwrap = (w: string) => {
    if (t.startsWith(`${w}<`) && t.endsWith(">")) {
      t = t.slice(w.length + 1, -1).trim();
      return true;
    }
    return false;
  };
  while (unwrap("Maybe") || unwrap("InputMaybe")) nullable = true;
  let inner: string;
  if (unwrap("Array")) inner = `[${gqlType(t, !/^(Input)?Maybe</.test(t))}]`;
  else {
    const s = /^Scalars\["(\w+)"\](?:\["(?:input|output)"\])?$/.exec(t);
    inner = s ? s[1]! : t;
  }
  return nullable ? inner : `${inner}!`;
}

export function linearSdl(): string {
  const all = readFileSync(sdkTypesFile(), "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
  const start = all.indexOf("type Scalars = {");
  const end = all.search(/\ntype \w+Fragment = /);
  const text = all.slice(start, end);

  const scalars = [...(/type Scalars = \{([\s\S]*?)\n\};/.exec(text)?.[1] ?? "").matchAll(/^\s*(\w+):/gm)]
    .map((m) => m[1]!)
    .filter((n) => !BUILTIN.has(n));
  const enums = [...text.matchAll(/^declare enum (\w+) \{([\s\S]*?)\n\}/gm)].map((m) => ({
    name: m[1]!,
    values: [...m[2]!.matchAll(/=\s*"([^"]+)"/g)].map((v) => v[1]!),
  }));
  const unions = [...text.matchAll(/^type (\w+) = (\w+(?: \| \w+)+);$/gm)].map((m) => ({ name: m[1]!, members: m[2]!.split(" | ") }));
  const decls: Decl[] = [];
  for (const m of text.matchAll(/^type (\w+) = ((?:\w+ & )*)\{\n([\s\S]*?)\n\};$/gm)) {
    if (m[1] === "Scalars") continue;
    const fields: Field[] = [];
    let typename = false;
    for (const f of m[3]!.matchAll(/^\s*(\w+)(\??):\s*([^;]+);$/gm)) {
      if (f[1] === "__typename") {
        typename = true;
        continue;
      }
      fields.push({ name: f[1]!, optional: f[2] === "?", type: f[3]! });
    }
    decls.push({
      name: m[1]!,
      parents: (m[2] ?? "")
        .split("&")
        .map((s) => s.trim())
        .filter(Boolean),
      fields,
      typename,
    });
  }

  const interfaces = new Set(decls.flatMap((d) => d.parents));
  const byName = new Map(decls.map((d) => [d.name, d]));
  const outputs = new Set(decls.filter((d) => d.typename || interfaces.has(d.name)).map((d) => d.name));
  // Arguments: <Type><Field>Args, matched to an output type that has that field.
  const args = new Map<string, Decl>();
  for (const d of decls) {
    if (!d.name.endsWith("Args") || outputs.has(d.name)) continue;
    const stem = d.name.slice(0, -4);
    for (let i = stem.length - 1; i > 0; i--) {
      const owner = byName.get(stem.slice(0, i));
      const field = stem.slice(i, i + 1).toLowerCase() + stem.slice(i + 1);
      if (owner && outputs.has(owner.name) && owner.fields.some((f) => f.name === field)) {
        args.set(`${owner.name}.${field}`, d);
        break;
      }
    }
  }
  const usedAsArgs = new Set([...args.values()].map((d) => d.name));

  const out: string[] = [];
  for (const s of scalars) out.push(`scalar ${s}`);
  for (const e of enums) out.push(`enum ${e.name} { ${e.values.join(" ")} }`);
  for (const u of unions) out.push(`union ${u.name} = ${u.members.join(" | ")}`);
  for (const d of decls) {
    if (usedAsArgs.has(d.name)) continue;
    if (outputs.has(d.name)) {
      const kw = interfaces.has(d.name) && !d.typename ? "interface" : "type";
      // An object lists its interfaces' fields too (the intersection gives them to it).
      const seen = new Set(d.fields.map((f) => f.name));
      const inherited = d.parents.flatMap((p) => byName.get(p)?.fields ?? []).filter((f) => !seen.has(f.name) && (seen.add(f.name), true));
      const fields = [...d.fields, ...inherited].map((f) => {
        const a = args.get(`${d.name}.${f.name}`);
        const argList = a && a.fields.length ? `(${a.fields.map((x) => `${x.name}: ${gqlType(x.type, !x.optional)}`).join(", ")})` : "";
        return `  ${f.name}${argList}: ${gqlType(f.type, !f.optional)}`;
      });
      if (fields.length === 0) continue;
      out.push(`${kw} ${d.name}${d.parents.length ? ` implements ${d.parents.join(" & ")}` : ""} {\n${fields.join("\n")}\n}`);
    } else if (d.fields.length) {
      out.push(`input ${d.name} {\n${d.fields.map((f) => `  ${f.name}: ${gqlType(f.type, !f.optional)}`).join("\n")}\n}`);
    }
  }
  return out.join("\n\n");
}

let cached: GraphQLSchema | undefined;
export function linearSchema(): GraphQLSchema {
  cached ??= buildSchema(linearSdl(), { assumeValidSDL: false });
  return cached;
}

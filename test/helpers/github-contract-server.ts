// A stand-in for api.github.com on 127.0.0.1, held to GitHub's own OpenAPI description
// (test/fixtures/github-openapi-subset.json, made by scripts/extract-github-openapi.mjs).
// Every request must match an operation (method + path template) and pass its parameter and
// body schemas; anything else is recorded in `errors` (tests assert it stays empty) and refused.
// State (PRs, labels, reviews) persists for the server's life, answers are built from GitHub's
// examples and validated against the response schemas, and faults can be injected per request.

import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const SUBSET = fileURLToPath(new URL("../fixtures/github-openapi-subset.json", import.meta.url));

type Json = Record<string, unknown>;
interface Op {
  id: string;
  method: string;
  template: string;
  re: RegExp;
  names: string[];
  params: { name: string; in: string; required: boolean; validate: ValidateFunction }[];
  body: ValidateFunction | null;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction>;
}

export type Fault =
  | { kind: "status"; status: 422 | 500 | 502; message?: string; errors?: Json[]; after?: boolean }
  | { kind: "secondary-rate-limit"; retryAfter: number }
  | { kind: "reset"; after?: boolean }
  | { kind: "could-not-resolve" }
  /**
   * A token without the permission the call needs, such as the read-only GITHUB_TOKEN of a fork's
   * pull_request run creating a check run. GitHub answers any endpoint so ("Resource not accessible
   * by integration", documented under the REST API's troubleshooting), as it does a secondary rate limit.
   */
  | { kind: "forbidden" };

export interface SeenRequest {
  method: string;
  path: string;
  op: string;
  status: number;
  authorization: string | undefined;
}

export interface ContractServer {
  url: string;
  owner: string;
  repo: string;
  errors: string[];
  requests: SeenRequest[];
  state: {
    pulls: Map<number, Json>;
    labels: Map<string, Json>;
    reviews: Map<number, Json[]>;
    issues: Map<number, Json>;
    comments: Map<number, Json[]>;
    /** Check runs created through the API, by id, with every annotation sent (GitHub appends them). */
    checkRuns: Map<number, Json & { annotations: Json[] }>;
    /** Collaborator permission per login ("admin", "maintain", "write", "triage", "read"); others get "none". */
    permissions: Map<string, string>;
  };
  /** The CI state GitHub reports for a commit: check runs and commit statuses. */
  setChecks(
    ref: string,
    runs: { name: string; status: "queued" | "in_progress" | "completed"; conclusion: string | null }[],
    statuses?: { context: string; state: "success" | "pending" | "failure" | "error" }[],
  ): void;
  /** Fails the n-th (1-based, counted from now) request matching `op` (an operationId) with `fault`. */
  inject(op: string, fault: Fault, nth?: number): void;
  /** `mergeable: null` for the next `reads` reads of a PR. */
  mergeableNullFor(reads: number): void;
  addReview(pull: number, login: string, state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED", commitId?: string): void;
  /** A comment written by `login` on issue or PR `number`, as a person would on github.com. */
  addComment(number: number, login: string, body: string): void;
  close(): Promise<void>;
}

export async function startContractServer(opts: { owner?: string; repo?: string } = {}): Promise<ContractServer> {
  const owner = opts.owner ?? "acme";
  const repo = opts.repo ?? "api";
  const spec = JSON.parse(readFileSync(SUBSET, "utf8")) as Json & {
    paths: Record<string, Record<string, Json>>;
    components: Record<string, Record<string, Json>>;
    "x-examples": Record<string, Record<string, unknown>>;
  };
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
  addFormats(ajv);
  ajv.addFormat("repo.nwo", /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
  ajv.addSchema({ $id: "gh", paths: spec.paths, components: spec.components });
  const ptr = (...segs: string[]) => "gh#/" + segs.map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");
  const deref = (v: Json): Json => {
    const ref = v.$ref;
    if (typeof ref !== "string") return v;
    const [, section = "", name = ""] = ref.split("/").slice(1);
    return deref(spec.components[section]?.[name] as Json);
  };

  const ops: Op[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as Json & { operationId: string; parameters?: Json[]; requestBody?: Json; responses?: Record<string, Json> };
      const names: string[] = [];
      const re = new RegExp("^" + template.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)")) + "$");
      const params = (op.parameters ?? []).map((p, i) => {
        const d = deref(p) as { name: string; in: string; required?: boolean; schema: Json };
        const schemaRef = p.$ref
          ? ptr("components", "parameters", String(p.$ref).split("/").pop() as string, "schema")
          : ptr("paths", template, method, "parameters", String(i), "schema");
        return { name: d.name, in: d.in, required: d.required ?? d.in === "path", validate: ajv.compile({ $ref: schemaRef }) };
      });
      const rb = op.requestBody ? deref(op.requestBody) : null;
      const body = rb
        ? ajv.compile({ $ref: ptr("paths", template, method, "requestBody", "content", "application/json", "schema") })
        : null;
      const responses = new Map<string, ValidateFunction>();
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        const res = deref(r) as { content?: Record<string, Json> };
        if (!res.content?.["application/json"]) continue;
        const path = r.$ref
          ? ptr("components", "responses", String(r.$ref).split("/").pop() as string, "content", "application/json", "schema")
          : ptr("paths", template, method, "responses", status, "content", "application/json", "schema");
        responses.set(status, ajv.compile({ $ref: path }));
      }
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        template,
        re,
        names,
        params,
        body,
        bodyRequired: Boolean(rb?.required),
        responses,
      });
    }
  }

  const errors: string[] = [];
  const requests: SeenRequest[] = [];
  const faults: { op: string; fault: Fault; countdown: number }[] = [];
  let mergeableNull = 0;
  const pulls = new Map<number, Json>();
  const labels = new Map<string, Json>();
  const reviews = new Map<number, Json[]>();
  const issues = new Map<number, Json>();
  const comments = new Map<number, Json[]>();
  const checkRuns = new Map<number, Json & { annotations: Json[] }>();
  const permissions = new Map<string, string>();
  const checks = new Map<
    string,
    { runs: { name: string; status: string; conclusion: string | null }[]; statuses: { context: string; state: string }[] }
  >();
  // Issues and pull requests share one number sequence, as on GitHub.
  let nextNumber = 1;
  let nextId = 1000;
  const ex = (op: string, status = "200") => structuredClone(spec["x-examples"][op]?.[status]) as Json;
  let base = "";

  const labelJson = (name: string, color: string, description: string | null): Json => ({
    ...ex("issues/get-label"),
    id: nextId++,
    node_id: `LA_${nextId}`,
    name,
    color,
    description,
    default: false,
    url: `${base}/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
  });
  const listExample = ((ex("pulls/list") as unknown as Json[])[0] ?? {}) as Json;
  // pull-request-simple: the fields of the list example, with this PR's values.
  // Its labels' description is a string in pull-request-simple (null in the full label schema).
  const simple = (pr: Json): Json =>
    Object.fromEntries(
      Object.keys(listExample).map((k) => [
        k,
        k === "labels" && Array.isArray(pr.labels)
          ? (pr.labels as Json[]).map((l) => ({ ...l, description: l.description ?? "" }))
          : k in pr
            ? pr[k]
            : listExample[k],
      ]),
    );

  function check(op: Op, status: number, payload: unknown): void {
    const v = op.responses.get(String(status));
    if (v && !v(payload)) errors.push(`response ${status} of ${op.id} breaks the schema: ${ajv.errorsText(v.errors)}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    const send = (op: Op | null, status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (op) check(op, status, payload);
      requests.push({ method, path: url.pathname, op: op?.id ?? "-", status, authorization: req.headers.authorization });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    const refuse = (status: number, why: string, op: Op | null = null) => {
      errors.push(`${method} ${url.pathname}${url.search}: ${why}`);
      send(null, status, { message: why, documentation_url: "https://docs.github.com/rest" });
      void op;
    };

    let match: { op: Op; params: Record<string, string> } | null = null;
    for (const op of ops) {
      const m = op.re.exec(url.pathname);
      if (!m) continue;
      if (op.method !== method) continue;
      const params: Record<string, string> = {};
      op.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? "")));
      match = { op, params };
      break;
    }
    if (!match) return refuse(404, "no operation in GitHub's description matches this method and path");
    const { op, params } = match;

    // Parameters: path and query, typed as the description says.
    const declared = new Set(op.params.map((p) => p.name));
    for (const [k] of url.searchParams) if (!declared.has(k)) return refuse(400, `query parameter ${k} is not declared for ${op.id}`);
    for (const p of op.params) {
      const rawValue = p.in === "path" ? params[p.name] : p.in === "query" ? (url.searchParams.get(p.name) ?? undefined) : undefined;
      if (rawValue === undefined) {
        if (p.required) return refuse(400, `${p.in} parameter ${p.name} is required by ${op.id}`);
        continue;
      }
      const value = /^-?\d+$/.test(rawValue) && !p.validate(rawValue) ? Number(rawValue) : rawValue;
      if (!p.validate(value)) return refuse(400, `${p.in} parameter ${p.name}=${rawValue}: ${ajv.errorsText(p.validate.errors)}`);
    }
    if (params.owner !== owner || params.repo !== repo)
      return send(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    if (!/^(token|Bearer) \S+$/.test(req.headers.authorization ?? "")) return refuse(401, "no token in the Authorization header");

    let body: Json = {};
    if (raw !== "") {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        return refuse(400, "body is not JSON");
      }
    }
    if (op.body) {
      if (raw === "" && op.bodyRequired) return refuse(400, `${op.id} requires a body`);
      if (raw !== "" && !op.body(body)) return refuse(422, `body breaks the schema of ${op.id}: ${ajv.errorsText(op.body.errors)}`);
    } else if (raw !== "" && method !== "GET") return refuse(400, `${op.id} takes no body`);

    const i = faults.findIndex((f) => f.op === op.id);
    const f = i >= 0 ? faults[i] : undefined;
    let fault: Fault | undefined;
    if (f && --f.countdown === 0) {
      faults.splice(i, 1);
      fault = f.fault;
    }
    const fail = (flt: Fault) => {
      if (flt.kind === "reset") {
        requests.push({ method, path: url.pathname, op: op.id, status: 0, authorization: req.headers.authorization });
        req.socket.destroy();
      } else if (flt.kind === "secondary-rate-limit") {
        send(
          op,
          403,
          {
            message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          },
          { "retry-after": String(flt.retryAfter) },
        );
      } else if (flt.kind === "forbidden") {
        send(op, 403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/checks/runs#create-a-check-run",
          status: "403",
        });
      } else if (flt.kind === "could-not-resolve") {
        send(op, 422, {
          message: "Validation Failed",
          errors: [
            { resource: "Label", code: "custom", field: "labels", message: "Could not resolve to a node with the global id of 'LA_kwDO'" },
          ],
          documentation_url: "https://docs.github.com/rest",
        });
      } else {
        send(
          op,
          flt.status,
          flt.status === 422
            ? { message: flt.message ?? "Validation Failed", errors: flt.errors ?? [], documentation_url: "https://docs.github.com" }
            : { message: "Server Error" },
        );
      }
    };
    // A fault "after" lets the operation happen and loses the answer: the dangerous case.
    if (fault && !("after" in fault && fault.after)) return fail(fault);
    const reply = fault ? (_op: Op, _s: number, _p: unknown) => fail(fault) : send;

    const pn = Number(params.pull_number ?? params.issue_number);
    switch (op.id) {
      case "pulls/list": {
        const head = url.searchParams.get("head");
        const state = url.searchParams.get("state") ?? "open";
        const list = [...pulls.values()].filter(
          (p) =>
            (state === "all" || p.state === state) &&
            (!head || `${owner}:${(p.head as Json).ref}` === head) &&
            (!url.searchParams.get("base") || (p.base as Json).ref === url.searchParams.get("base")),
        );
        return reply(op, 200, list.map(simple));
      }
      case "pulls/create": {
        const dup = [...pulls.values()].find(
          (p) => p.state === "open" && (p.head as Json).ref === body.head && (p.base as Json).ref === body.base,
        );
        if (dup)
          return reply(op, 422, {
            message: "Validation Failed",
            errors: [
              { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${String(body.head)}.` },
            ],
            documentation_url: "https://docs.github.com",
          });
        const n = nextNumber++;
        const pr = ex("pulls/create", "201");
        const now = new Date().toISOString();
        Object.assign(pr, {
          id: nextId++,
          number: n,
          state: "open",
          title: body.title,
          body: body.body ?? null,
          draft: body.draft ?? false,
          html_url: `https://github.com/${owner}/${repo}/pull/${n}`,
          url: `${base}/repos/${owner}/${repo}/pulls/${n}`,
          labels: [],
          requested_reviewers: [],
          requested_teams: [],
          created_at: now,
          updated_at: now,
          merged: false,
          merged_at: null,
          mergeable: true,
          head: { ...(pr.head as Json), ref: body.head, label: `${owner}:${String(body.head)}` },
          base: { ...(pr.base as Json), ref: body.base, label: `${owner}:${String(body.base)}` },
        });
        pulls.set(n, pr);
        return reply(op, 201, pr);
      }
      case "pulls/get": {
        const pr = pulls.get(pn);
        if (!pr) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        const out = { ...pr, mergeable: mergeableNull > 0 ? null : pr.mergeable };
        if (mergeableNull > 0) mergeableNull--;
        return reply(op, 200, out);
      }
      case "pulls/update": {
        const pr = pulls.get(pn);
        if (!pr) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        for (const k of ["title", "body", "state"]) if (k in body) pr[k] = body[k];
        return reply(op, 200, pr);
      }
      case "issues/get-label": {
        const l = labels.get(params.name ?? "");
        return l ? reply(op, 200, l) : reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
      }
      case "issues/create-label": {
        const name = String(body.name);
        if (labels.has(name))
          return reply(op, 422, {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
            documentation_url: "https://docs.github.com",
          });
        const l = labelJson(name, String(body.color ?? "ededed"), (body.description as string | undefined) ?? null);
        labels.set(name, l);
        return reply(op, 201, l);
      }
      case "issues/add-labels": {
        const pr = pulls.get(pn);
        if (!pr) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        const names = (Array.isArray(body.labels) ? body.labels : []).map((x) => (typeof x === "string" ? x : String((x as Json).name)));
        const current = pr.labels as Json[];
        for (const name of names) {
          const l = labels.get(name) ?? labelJson(name, "ededed", null);
          labels.set(name, l);
          if (!current.some((c) => c.name === name)) current.push(l);
        }
        return reply(op, 200, current);
      }
      case "pulls/request-reviewers": {
        const pr = pulls.get(pn);
        if (!pr) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        const user = (ex("pulls/create", "201").user ?? {}) as Json;
        const rr = pr.requested_reviewers as Json[];
        for (const login of (body.reviewers as string[] | undefined) ?? [])
          if (!rr.some((u) => u.login === login)) rr.push({ ...user, login, id: nextId++ });
        return reply(op, 201, { ...simple(pr), requested_reviewers: rr });
      }
      case "pulls/list-reviews":
        return reply(op, 200, reviews.get(pn) ?? []);
      case "pulls/merge": {
        const pr = pulls.get(pn);
        if (!pr) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        if (pr.merged) return reply(op, 405, { message: "Pull Request is not mergeable", documentation_url: "https://docs.github.com" });
        Object.assign(pr, { merged: true, state: "closed", merged_at: new Date().toISOString() });
        return reply(op, 200, {
          sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
          merged: true,
          message: "Pull Request successfully merged",
        });
      }
      case "issues/create": {
        const n = nextNumber++;
        const now = new Date().toISOString();
        const issue = Object.assign(ex("issues/create", "201"), {
          id: nextId++,
          number: n,
          state: "open",
          title: body.title,
          body: body.body ?? null,
          labels: [],
          created_at: now,
          updated_at: now,
          html_url: `https://github.com/${owner}/${repo}/issues/${n}`,
          url: `${base}/repos/${owner}/${repo}/issues/${n}`,
        });
        issues.set(n, issue);
        return reply(op, 201, issue);
      }
      case "issues/create-comment": {
        if (!issues.has(pn) && !pulls.has(pn))
          return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        const id = nextId++;
        const comment = Object.assign(ex("issues/create-comment", "201"), {
          id,
          body: body.body,
          created_at: new Date().toISOString(),
          html_url: `https://github.com/${owner}/${repo}/issues/${pn}#issuecomment-${id}`,
          issue_url: `${base}/repos/${owner}/${repo}/issues/${pn}`,
        });
        comments.set(pn, [...(comments.get(pn) ?? []), comment]);
        return reply(op, 201, comment);
      }
      case "checks/create":
      case "checks/update": {
        const runEx = ((ex("checks/list-for-ref").check_runs as Json[] | undefined) ?? [])[0] ?? {};
        const id = op.id === "checks/create" ? nextId++ : Number(params.check_run_id);
        const before = checkRuns.get(id);
        if (op.id === "checks/update" && !before)
          return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        const output = (body.output as Json | undefined) ?? {};
        // GitHub appends the annotations of each request to the run's; title and summary are replaced.
        const annotations = [...(before?.annotations ?? []), ...((output.annotations as Json[] | undefined) ?? [])];
        const prev = (before?.output as Json | undefined) ?? {};
        const run = {
          ...runEx,
          ...(before ?? {}),
          id,
          node_id: `CR_${id}`,
          name: body.name ?? before?.name,
          head_sha: body.head_sha ?? before?.head_sha,
          status: body.status ?? before?.status ?? (body.conclusion ? "completed" : "queued"),
          conclusion: body.conclusion ?? before?.conclusion ?? null,
          completed_at: body.completed_at ?? before?.completed_at ?? null,
          details_url: body.details_url ?? before?.details_url ?? null,
          html_url: `https://github.com/${owner}/${repo}/runs/${id}`,
          url: `${base}/repos/${owner}/${repo}/check-runs/${id}`,
          output: {
            title: output.title ?? prev.title ?? null,
            summary: output.summary ?? prev.summary ?? null,
            text: output.text ?? prev.text ?? null,
            annotations_count: annotations.length,
            annotations_url: `${base}/repos/${owner}/${repo}/check-runs/${id}/annotations`,
          },
        };
        const { annotations: _a, ...shown } = { ...run, annotations };
        checkRuns.set(id, { ...run, annotations });
        return reply(op, op.id === "checks/create" ? 201 : 200, shown);
      }
      case "issues/update": {
        // A PR is an issue too: its milestone and labels are set through the issues API.
        const target = pulls.get(pn) ?? issues.get(pn);
        if (!target) return reply(op, 404, { message: "Not Found", documentation_url: "https://docs.github.com" });
        if ("milestone" in body) {
          const number = body.milestone === null ? null : Number(body.milestone);
          target.milestone = number === null ? null : { ...(((ex("issues/create", "201").milestone as Json) ?? {}) as Json), number };
        }
        for (const k of ["title", "body", "state"]) if (k in body) target[k] = body[k];
        const issueView = Object.assign(ex("issues/create", "201"), {
          number: pn,
          title: target.title,
          body: target.body ?? null,
          state: target.state,
          labels: target.labels ?? [],
          milestone: target.milestone ?? null,
          html_url: target.html_url,
          url: `${base}/repos/${owner}/${repo}/issues/${pn}`,
        });
        return reply(op, 200, issueView);
      }
      case "issues/list-comments": {
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        return reply(op, 200, (comments.get(pn) ?? []).slice((page - 1) * perPage, page * perPage));
      }
      case "repos/get-collaborator-permission-level": {
        const login = params.username ?? "";
        const user = (ex("pulls/create", "201").user ?? {}) as Json;
        const permission = permissions.get(login) ?? "none";
        return reply(op, 200, { permission, role_name: permission, user: { ...user, login } });
      }
      case "checks/list-for-ref": {
        const runEx = ((ex("checks/list-for-ref").check_runs as Json[] | undefined) ?? [])[0] ?? {};
        const runs = (checks.get(params.ref ?? "")?.runs ?? []).map((r, i) => ({
          ...runEx,
          id: i + 1,
          head_sha: params.ref,
          name: r.name,
          status: r.status,
          conclusion: r.conclusion,
        }));
        return reply(op, 200, { total_count: runs.length, check_runs: runs });
      }
      case "repos/get-combined-status-for-ref": {
        const combined = ex("repos/get-combined-status-for-ref");
        const stEx = ((combined.statuses as Json[] | undefined) ?? [])[0] ?? {};
        const statuses = (checks.get(params.ref ?? "")?.statuses ?? []).map((st, i) => ({
          ...stEx,
          id: i + 1,
          context: st.context,
          state: st.state,
        }));
        const state = statuses.some((st) => st.state === "failure" || st.state === "error")
          ? "failure"
          : statuses.some((st) => st.state === "pending") || statuses.length === 0
            ? "pending"
            : "success";
        return reply(op, 200, { ...combined, sha: params.ref, state, statuses, total_count: statuses.length });
      }
    }
    return refuse(500, `the contract server does not implement ${op.id}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      errors.push(`server crashed: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  return {
    url: base,
    owner,
    repo,
    errors,
    requests,
    state: { pulls, labels, reviews, issues, comments, checkRuns, permissions },
    setChecks(ref, runs, statuses = []) {
      checks.set(ref, { runs, statuses });
    },
    inject(opId, fault, nth = 1) {
      if (!ops.some((o) => o.id === opId)) throw new Error(`no operation ${opId} in the subset`);
      faults.push({ op: opId, fault, countdown: nth });
    },
    mergeableNullFor(reads) {
      mergeableNull = reads;
    },
    addReview(pull, login, state, commitId) {
      const r = ex("pulls/list-reviews") as unknown as Json[];
      const one = {
        ...(r[0] ?? {}),
        id: nextId++,
        user: { ...((r[0]?.user as Json) ?? {}), login },
        state,
        body: "",
        submitted_at: new Date().toISOString(),
        ...(commitId ? { commit_id: commitId } : {}),
      };
      reviews.set(pull, [...(reviews.get(pull) ?? []), one]);
    },
    addComment(number, login, body) {
      const id = nextId++;
      const c = ex("issues/create-comment", "201");
      const comment = {
        ...c,
        id,
        body,
        user: { ...((c.user as Json) ?? {}), login },
        created_at: new Date().toISOString(),
        html_url: `https://github.com/${owner}/${repo}/issues/${number}#issuecomment-${id}`,
        issue_url: `${base}/repos/${owner}/${repo}/issues/${number}`,
      };
      comments.set(number, [...(comments.get(number) ?? []), comment]);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

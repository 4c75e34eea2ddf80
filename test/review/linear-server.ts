// A stand-in for api.linear.app/graphql on 127.0.0.1, held to the schema that ships in @linear/sdk
// (linear-schema.ts). Every request is parsed and validated against it, and its variables coerced by
// graphql-js; anything invalid is recorded in `errors` (tests assert it stays empty) and answered
// with GraphQL errors, as Linear would. Issues and comments persist for the server's life, a
// client-chosen id is honoured (and a second create with it refused), and an answer can be lost
// after the work is done, the case the effect journal exists for.

import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { execute, GraphQLError, parse, validate, type DocumentNode } from "graphql";
import { randomUUID } from "node:crypto";
import { linearSchema } from "./linear-schema.js";

type Json = Record<string, any>;

export interface LinearRequest {
  operation: string;
  field: string;
  variables: Json;
  authorization: string | undefined;
}

export interface LinearServer {
  url: string;
  errors: string[];
  requests: LinearRequest[];
  issues: Map<string, Json>;
  comments: Map<string, Json>;
  /** An issue that already exists (the incident's own ticket). */
  seedIssue(identifier: string, title: string): void;
  /** The next request whose root field is `field` does its work, then the connection is dropped. */
  loseAnswer(field: string): void;
  close(): Promise<void>;
}

const notFound = (what: string) =>
  new GraphQLError(`Entity not found: ${what}`, {
    extensions: {
      type: "invalid input",
      code: "INPUT_ERROR",
      userError: true,
      userPresentableMessage: `Could not find referenced ${what}.`,
    },
  });

export async function startLinearServer(opts: { teamId: string; teamKey?: string; apiKey: string }): Promise<LinearServer> {
  const schema = linearSchema();
  const teamKey = opts.teamKey ?? "OPS";
  const errors: string[] = [];
  const requests: LinearRequest[] = [];
  const issues = new Map<string, Json>();
  const comments = new Map<string, Json>();
  const lose = new Set<string>();
  let counter = 100;

  const findIssue = (idOrIdentifier: string) =>
    issues.get(idOrIdentifier) ?? [...issues.values()].find((i) => i.identifier === idOrIdentifier);
  const root = {
    issueCreate: ({ input }: { input: Json }) => {
      if (input.teamId !== opts.teamId) throw notFound("Team");
      const id = input.id ?? randomUUID();
      if (issues.has(id))
        throw new GraphQLError("Entity already exists", {
          extensions: { type: "invalid input", userError: true, userPresentableMessage: "An issue with this id already exists." },
        });
      const n = ++counter;
      const issue = {
        id,
        identifier: `${teamKey}-${n}`,
        url: `https://linear.app/acme/issue/${teamKey}-${n}`,
        title: input.title,
        description: input.description,
        dueDate: input.dueDate ?? null,
        teamId: input.teamId,
      };
      issues.set(id, issue);
      return { success: true, lastSyncId: n, issue };
    },
    issue: ({ id }: { id: string }) =>
      findIssue(id) ??
      (() => {
        throw notFound("Issue");
      })(),
    commentCreate: ({ input }: { input: Json }) => {
      const issue = input.issueId ? findIssue(input.issueId) : undefined;
      if (!issue) throw notFound("Issue");
      const id = input.id ?? randomUUID();
      if (comments.has(id)) throw new GraphQLError("Entity already exists", { extensions: { type: "invalid input", userError: true } });
      const comment = { id, body: input.body, issueId: issue.id, url: `${issue.url}#comment-${id.slice(0, 8)}` };
      comments.set(id, comment);
      return { success: true, lastSyncId: ++counter, comment };
    },
    comment: ({ id }: { id?: string }) =>
      (id && comments.get(id)) ||
      (() => {
        throw notFound("Comment");
      })(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: Json) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const refuse = (status: number, why: string) => {
      errors.push(why);
      reply(status, { errors: [{ message: why, extensions: { type: "graphql error", code: "GRAPHQL_VALIDATION_FAILED" } }] });
    };
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== "/graphql")
      return refuse(404, `${req.method} ${req.url}: not the GraphQL endpoint`);
    if (!/^application\/json/.test(req.headers["content-type"] ?? "")) return refuse(415, "the body must be application/json");
    if (req.headers.authorization !== opts.apiKey)
      return reply(401, {
        errors: [
          {
            message: "Authentication required, not authenticated",
            extensions: { type: "authentication error", code: "AUTHENTICATION_ERROR" },
          },
        ],
      });
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return refuse(400, "body is not JSON");
    }
    if (typeof body.query !== "string") return refuse(400, "no query");
    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (e) {
      return refuse(400, `query does not parse: ${(e as Error).message}`);
    }
    const problems = validate(schema, doc);
    if (problems.length) return refuse(400, `query breaks Linear's schema: ${problems.map((p) => p.message).join("; ")}`);
    const op = doc.definitions.find((d) => d.kind === "OperationDefinition");
    const field =
      op && op.kind === "OperationDefinition" && op.selectionSet.selections[0]?.kind === "Field"
        ? op.selectionSet.selections[0].name.value
        : "?";
    const variables = (body.variables ?? {}) as Json;
    requests.push({
      operation: op && op.kind === "OperationDefinition" ? (op.name?.value ?? "(anonymous)") : "?",
      field,
      variables,
      authorization: req.headers.authorization,
    });
    const result = await execute({ schema, document: doc, rootValue: root, variableValues: variables });
    // Variable coercion failures (unknown or mistyped input fields) come back before any resolver runs.
    if (result.errors?.some((e) => !e.path))
      return refuse(400, `variables break Linear's schema: ${result.errors.map((e) => e.message).join("; ")}`);
    if (lose.delete(field)) {
      req.socket.destroy();
      return;
    }
    reply(200, result.errors ? { data: result.data ?? null, errors: result.errors.map((e) => e.toJSON()) } : { data: result.data });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      errors.push(`server crashed: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/graphql`,
    errors,
    requests,
    issues,
    comments,
    seedIssue(identifier, title) {
      const id = randomUUID();
      issues.set(id, { id, identifier, url: `https://linear.app/acme/issue/${identifier}`, title, description: "", teamId: opts.teamId });
    },
    loseAnswer(field) {
      lose.add(field);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

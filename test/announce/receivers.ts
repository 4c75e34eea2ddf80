// Local receivers for the announce tests, on 127.0.0.1. One node:http server answers the way each
// service's published contract says, and refuses what the contract refuses:
//   Slack incoming webhook  POST /slack/hook/…            {text | blocks}            → 200 "ok" | 400 "invalid_payload"
//   Slack Web API           POST /slack/api/chat.postMessage (Bearer, {channel, text|blocks, thread_ts?}) → {ok, channel, ts}
//   Teams incoming webhook  POST /teams/…                 {type: "message", attachments: [adaptive card]} → 200 "1"
//   Statuspage v1           POST/PATCH/GET /statuspage/v1/pages/{page}/incidents[/{id}] (Authorization: OAuth <key>)
//   generic webhook         POST /hook/…                  any JSON                   → 204
// plus an SMTP server (smtp-server) whose messages are parsed with mailparser.
// A test can queue special answers for a path prefix (a 429, a 404, a request that never answers),
// or have every request under a prefix refused with an error that echoes the request's method,
// path, headers and body back (as many real services' error pages do): echoErrors().

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAuthentication } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: any;
  at: number;
}

/**
 * "hang": never answers. "lose-answer": the service does the work, then the answer is lost on the
 * way back (a gateway's 504), as when a proxy times out after the backend acted.
 */
type Special = { status: number; body?: string; headers?: Record<string, string> } | "hang" | "lose-answer";

const STATUSPAGE_STATUSES = ["investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "verifying", "completed"];
const COMPONENT_STATUSES = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"];

export class Receivers {
  url = "";
  readonly requests: Received[] = [];
  readonly statuspageKey = "sp-key-0123456789";
  readonly slackToken = "xoxb-test-0123456789abcdef";
  private server: Server | null = null;
  private specials: { prefix: string; answer: Special; method?: string }[] = [];
  private echoes: { prefix: string; status: number }[] = [];
  private hanging: ServerResponse[] = [];
  private incidents = new Map<string, any>();
  private ts = 1_700_000_000;

  /** The next request whose path starts with `prefix` (and, when given, uses `method`) gets `answer` instead of the normal one. */
  answerNext(prefix: string, answer: Special, method?: string): void {
    this.specials.push({ prefix, answer, ...(method ? { method } : {}) });
  }

  /** Every request under `prefix` from now on is answered `status` with the request echoed in the body. */
  echoErrors(prefix: string, status: number): void {
    this.echoes.push({ prefix, status });
  }

  to(prefix: string): Received[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let json: any = null;
        try {
          json = body ? JSON.parse(body) : null;
        } catch {
          json = undefined;
        }
        const r: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json, at: Date.now() };
        this.requests.push(r);
        const echo = this.echoes.find((e) => r.path.startsWith(e.prefix));
        if (echo) {
          res
            .writeHead(echo.status, { "content-type": "text/plain" })
            .end(`Cannot ${r.method} ${r.path}\nheaders: ${JSON.stringify(r.headers)}\nbody: ${r.body}`);
          return;
        }
        const i = this.specials.findIndex((s) => r.path.startsWith(s.prefix) && (s.method === undefined || s.method === r.method));
        if (i >= 0) {
          const answer = this.specials.splice(i, 1)[0]!.answer;
          if (answer === "hang") {
            this.hanging.push(res);
            return;
          }
          if (answer === "lose-answer") {
            const sink = { writeHead: () => ({ end: () => undefined }) } as unknown as ServerResponse;
            this.route(r, sink);
            res.writeHead(504, { "content-type": "text/plain" }).end("upstream timed out");
            return;
          }
          res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
          return;
        }
        this.route(r, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private route(r: Received, res: ServerResponse): void {
    const send = (status: number, body: unknown, type = "application/json"): void => {
      res.writeHead(status, { "content-type": type }).end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (r.json === undefined) return send(400, "invalid_payload", "text/plain");

    if (r.path.startsWith("/slack/hook/")) {
      // https://api.slack.com/messaging/webhooks: a text, or blocks (text then a fallback).
      const ok = r.method === "POST" && r.json && (typeof r.json.text === "string" || Array.isArray(r.json.blocks));
      return ok ? send(200, "ok", "text/plain") : send(400, "invalid_payload", "text/plain");
    }
    if (r.path === "/slack/api/chat.postMessage") {
      // https://api.slack.com/methods/chat.postMessage
      if (r.headers.authorization !== `Bearer ${this.slackToken}`) return send(200, { ok: false, error: "invalid_auth" });
      if (!r.json?.channel) return send(200, { ok: false, error: "channel_not_found" });
      if (typeof r.json.text !== "string" && !Array.isArray(r.json.blocks)) return send(200, { ok: false, error: "no_text" });
      return send(200, { ok: true, channel: r.json.channel, ts: `${this.ts++}.000100`, message: { text: r.json.text } });
    }
    if (r.path.startsWith("/teams/")) {
      const a = r.json?.attachments?.[0];
      const ok =
        r.json?.type === "message" &&
        a?.contentType === "application/vnd.microsoft.card.adaptive" &&
        a.content?.type === "AdaptiveCard" &&
        Array.isArray(a.content.body);
      return ok ? send(200, "1", "text/plain") : send(400, "Bad payload received by generic incoming webhook.", "text/plain");
    }
    if (r.path.startsWith("/hook/")) return send(204, "");
    const sp = /^\/statuspage\/v1\/pages\/([a-z0-9]+)\/incidents(?:\/([a-z0-9]+))?(?:\?(.*))?$/.exec(r.path);
    if (sp) return this.statuspage(r, sp[2], new URLSearchParams(sp[3] ?? ""), send);
    send(404, { error: "not found" });
  }

  private statuspage(r: Received, id: string | undefined, query: URLSearchParams, send: (s: number, b: unknown) => void): void {
    // https://developer.statuspage.io/#tag/incidents
    if (r.headers.authorization !== `OAuth ${this.statuspageKey}`) return send(401, { error: "Could not authenticate" });
    const inc = r.json?.incident;
    const valid = (partial: boolean) =>
      inc &&
      (partial || typeof inc.name === "string") &&
      (inc.status === undefined || STATUSPAGE_STATUSES.includes(inc.status)) &&
      (inc.components === undefined || Object.values(inc.components).every((s) => COMPONENT_STATUSES.includes(s as string)));
    const now = new Date().toISOString();
    if (r.method === "POST" && !id) {
      if (!valid(false)) return send(422, { error: "incident is invalid" });
      const newId = `inc${this.incidents.size + 1}abc`;
      const created = {
        id: newId,
        name: inc.name,
        status: inc.status,
        shortlink: `https://stspg.io/${newId}`,
        created_at: now,
        metadata: inc.metadata ?? {},
        components: (inc.component_ids ?? []).map((c: string) => ({ id: c, status: inc.components?.[c] })),
        incident_updates: [{ status: inc.status, body: inc.body, created_at: now }],
      };
      this.incidents.set(newId, created);
      return send(201, created);
    }
    if (r.method === "PATCH" && id) {
      const found = this.incidents.get(id);
      if (!found) return send(404, { error: "not found" });
      if (!valid(true)) return send(422, { error: "incident is invalid" });
      found.status = inc.status ?? found.status;
      found.incident_updates.unshift({ status: found.status, body: inc.body, created_at: now });
      found.components = (inc.component_ids ?? []).map((c: string) => ({ id: c, status: inc.components?.[c] }));
      return send(200, found);
    }
    if (r.method === "GET" && id) return this.incidents.has(id) ? send(200, this.incidents.get(id)) : send(404, { error: "not found" });
    if (r.method === "GET") {
      const q = (query.get("q") ?? "").toLowerCase();
      return send(200, [...this.incidents.values()].filter((i) => i.name.toLowerCase().includes(q)).reverse());
    }
    send(405, { error: "method not allowed" });
  }

  incidentsOnPage(): any[] {
    return [...this.incidents.values()];
  }
}

export interface Mail {
  from: string;
  to: string[];
  parsed: ParsedMail;
}

/**
 * An SMTP server on 127.0.0.1 that keeps each message with its envelope. With `echoAuth` it
 * refuses every login with a reply that echoes the credentials as the client sent them (the
 * base64 of AUTH PLAIN's "\0user\0password", and the password's own base64 as in AUTH LOGIN).
 */
export class MailServer {
  readonly messages: Mail[] = [];
  port = 0;
  private server: SMTPServer | null = null;
  constructor(private readonly opts: { echoAuth?: boolean } = {}) {}

  async start(): Promise<void> {
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
    this.server = new SMTPServer({
      authOptional: !this.opts.echoAuth,
      ...(this.opts.echoAuth
        ? {
            allowInsecureAuth: true,
            authMethods: ["PLAIN", "LOGIN"],
            onAuth: (auth: SMTPServerAuthentication, _session: unknown, callback: (e: Error) => void) =>
              callback(
                new Error(
                  `5.7.8 Authentication failed for ${b64(`\0${auth.username ?? ""}\0${auth.password ?? ""}`)} (${b64(auth.password ?? "")})`,
                ),
              ),
          }
        : {}),
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
              parsed,
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

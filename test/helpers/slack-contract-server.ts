// A stand-in for Slack on 127.0.0.1, following the Web API's published method contracts as the
// official package sends and reads them: form-encoded arguments (nested objects as JSON strings)
// with a Bearer bot token, answers `{ok: true, …}` in the shapes @slack/web-api's response types
// describe, `{ok: false, error}` for a bad token, a missing argument or an unknown message, and
// HTTP 429 with Retry-After when a rate limit is injected. Every call is recorded with the time it
// arrived. It also plays Slack's side of the app: it signs slash commands (form-encoded) and
// interactivity (`payload=` JSON) the way Slack does, and receives what is posted to response URLs.

import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

type Json = Record<string, unknown>;

export interface Call {
  method: string;
  args: Json;
  at: number;
  status: number;
}

export interface Message {
  ts: string;
  channel: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Json };
  edits: number;
}

export class SlackStandIn {
  readonly calls: Call[] = [];
  readonly responses: { id: string; body: Json; at: number }[] = [];
  readonly messages = new Map<string, Message[]>();
  readonly #limits = new Map<string, { times: number; retryAfter: number }>();
  #server: Server | undefined;
  #tsN = 0;
  url = "";
  readonly botToken = `xoxb-${randomBytes(12).toString("hex")}`;
  readonly signingSecret = randomBytes(16).toString("hex");

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", () => r()));
    const a = this.#server.address() as { port: number };
    this.url = `http://127.0.0.1:${a.port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** The next `times` calls to `method` answer 429 with Retry-After. */
  rateLimit(method: string, times: number, retryAfter: number): void {
    this.#limits.set(method, { times, retryAfter });
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  /** Waits (bounded) until `pred` holds over what was recorded; fails with what was seen. */
  async waitFor<T>(what: string, pred: () => T | undefined | false, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > end)
        throw new Error(`stand-in Slack: waited for ${what}; calls: ${JSON.stringify(this.calls.map((c) => [c.method, c.status]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A response URL of this stand-in; what is posted to it lands in `responses` under this id. */
  responseUrl(): { id: string; url: string } {
    const id = randomBytes(6).toString("hex");
    return { id, url: `${this.url}/respond/${id}` };
  }

  answersTo(id: string): Json[] {
    return this.responses.filter((r) => r.id === id).map((r) => r.body);
  }

  // --- Slack's side: signed requests to the app --------------------------------------------------

  sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = this.signingSecret) {
    const ts = String(timestamp);
    return {
      "x-slack-request-timestamp": ts,
      "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`,
    };
  }

  /** A slash command as Slack sends it: form-encoded fields, signed. Returns the request to send. */
  command(user: string, text: string, more: { team?: string; channel?: string } = {}) {
    const r = this.responseUrl();
    const body = new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: more.team ?? "T1",
      team_domain: "example",
      channel_id: more.channel ?? "C_INC",
      channel_name: "incidents",
      user_id: user,
      user_name: user.toLowerCase(),
      command: "/firebreak",
      text,
      api_app_id: "A1",
      response_url: r.url,
      trigger_id: `trg.${randomBytes(4).toString("hex")}`,
    }).toString();
    return { path: "/slack/commands", body, responseId: r.id, contentType: "application/x-www-form-urlencoded" };
  }

  /** A button click (block_actions) as Slack sends it: `payload=` JSON, form-encoded, signed. */
  click(user: string, actionId: string, value: string, more: { team?: string; channel?: string } = {}) {
    const r = this.responseUrl();
    const payload = {
      type: "block_actions",
      user: { id: user, username: user.toLowerCase(), team_id: more.team ?? "T1" },
      api_app_id: "A1",
      team: { id: more.team ?? "T1", domain: "example" },
      channel: { id: more.channel ?? "C_INC", name: "incidents" },
      trigger_id: `trg.${randomBytes(4).toString("hex")}`,
      response_url: r.url,
      container: { type: "message", channel_id: more.channel ?? "C_INC" },
      actions: [{ type: "button", action_id: actionId, block_id: `fb_${value}`, value, action_ts: String(Date.now() / 1000) }],
    };
    return {
      path: "/slack/interactivity",
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      responseId: r.id,
      contentType: "application/x-www-form-urlencoded",
    };
  }

  /** A modal submission (view_submission) with one text or multi-select value per block. */
  submit(user: string, callbackId: string, privateMetadata: string, values: Record<string, string | string[]>) {
    const state: Json = {};
    for (const [block, v] of Object.entries(values))
      state[block] = {
        [block]: Array.isArray(v)
          ? { type: "multi_static_select", selected_options: v.map((value) => ({ value })) }
          : { type: "plain_text_input", value: v },
      };
    const payload = {
      type: "view_submission",
      user: { id: user, team_id: "T1" },
      team: { id: "T1" },
      view: { id: "V1", callback_id: callbackId, private_metadata: privateMetadata, state: { values: state } },
    };
    return {
      path: "/slack/interactivity",
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      contentType: "application/x-www-form-urlencoded",
    };
  }

  // --- the Web API --------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", this.url).pathname;
    const send = (status: number, body: Json, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const resp = /^\/respond\/(\w+)$/.exec(path);
    if (resp) {
      this.responses.push({ id: resp[1]!, body: JSON.parse(raw) as Json, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("ok");
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m || req.method !== "POST") return send(404, { ok: false, error: "unknown_method" });
    const method = m[1]!;
    const args: Json = {};
    const type = req.headers["content-type"] ?? "";
    if (type.includes("application/json")) Object.assign(args, JSON.parse(raw || "{}"));
    else
      for (const [k, v] of new URLSearchParams(raw)) {
        // The package sends nested arguments (blocks, metadata, view) as JSON strings.
        try {
          args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
        } catch {
          args[k] = v;
        }
      }
    const call: Call = { method, args, at: Date.now(), status: 200 };
    this.calls.push(call);
    const limit = this.#limits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      call.status = 429;
      return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(limit.retryAfter) });
    }
    if (req.headers.authorization !== `Bearer ${this.botToken}`) return send(200, { ok: false, error: "invalid_auth" });
    const missing = (...names: string[]) => names.find((n) => args[n] === undefined || args[n] === "");
    const fail = (error: string) => send(200, { ok: false, error });
    switch (method) {
      case "chat.postMessage": {
        if (missing("channel")) return fail("channel_not_found");
        if (missing("text") && missing("blocks")) return fail("no_text");
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.#tsN).padStart(6, "0")}`;
        const msg: Message = {
          ts,
          channel: String(args.channel),
          text: String(args.text ?? ""),
          blocks: (args.blocks as unknown[]) ?? [],
          ...(args.metadata ? { metadata: args.metadata as Message["metadata"] } : {}),
          edits: 0,
        };
        const list = this.messages.get(msg.channel) ?? [];
        list.push(msg);
        this.messages.set(msg.channel, list);
        return send(200, {
          ok: true,
          channel: msg.channel,
          ts,
          message: { type: "message", text: msg.text, ts, blocks: msg.blocks, bot_id: "B1" },
        });
      }
      case "chat.update": {
        if (missing("channel")) return fail("channel_not_found");
        if (missing("ts")) return fail("message_not_found");
        const msg = this.messages.get(String(args.channel))?.find((x) => x.ts === args.ts);
        if (!msg) return fail("message_not_found");
        msg.text = String(args.text ?? msg.text);
        msg.blocks = (args.blocks as unknown[]) ?? msg.blocks;
        msg.edits++;
        return send(200, { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text, message: { text: msg.text, blocks: msg.blocks } });
      }
      case "chat.postEphemeral": {
        if (missing("channel")) return fail("channel_not_found");
        if (missing("user")) return fail("user_not_in_channel");
        return send(200, { ok: true, message_ts: `${Math.floor(Date.now() / 1000)}.${String(++this.#tsN).padStart(6, "0")}` });
      }
      case "views.open": {
        if (missing("trigger_id")) return fail("invalid_trigger_id");
        if (missing("view")) return fail("invalid_arguments");
        return send(200, { ok: true, view: { id: `V${++this.#tsN}`, ...(args.view as Json) } });
      }
      case "conversations.history": {
        if (missing("channel")) return fail("channel_not_found");
        const list = [...(this.messages.get(String(args.channel)) ?? [])].reverse();
        return send(200, {
          ok: true,
          messages: list.map((x) => ({
            type: "message",
            ts: x.ts,
            text: x.text,
            ...(x.metadata && args.include_all_metadata ? { metadata: x.metadata } : {}),
          })),
          has_more: false,
        });
      }
      default:
        return fail("unknown_method");
    }
  }
}

// Atlassian Statuspage (REST API v1, Authorization: OAuth <api key>):
//   POST  /pages/{page_id}/incidents        {incident: {name, status, body, component_ids, components, …}}
//   PATCH /pages/{page_id}/incidents/{id}   {incident: {status, body, component_ids, components}}
//   GET   /pages/{page_id}/incidents?q=…    to find an incident an interrupted run created
//   GET   /pages/{page_id}/incidents/{id}   to see whether an update was posted
// Unlike a chat webhook, the page can be asked what happened, so an interrupted send is settled
// by looking instead of by a person.

import type { Secret } from "../../config/secrets.js";
import { failFromStatus, notifyError, sendWithRetry, excerpt, type HttpCall } from "./http.js";
import type { NotifyContext } from "./context.js";
import type { StatuspageIncident, StatuspageNotifier, StatuspageUpdate } from "../../ports/notify/statuspage.js";

export interface StatuspageTarget {
  apiUrl: string;
  apiKey: Secret;
  pageId: string;
}

export type { StatuspageIncident, StatuspageUpdate };

async function call(t: StatuspageTarget, ctx: NotifyContext, method: HttpCall["method"], path: string, json?: unknown): Promise<unknown> {
  const answer = await sendWithRetry(
    {
      service: "Statuspage",
      method,
      url: `${t.apiUrl.replace(/\/+$/, "")}/pages/${encodeURIComponent(t.pageId)}${path}`,
      headers: { authorization: `OAuth ${t.apiKey.reveal()}` },
      json,
      timeoutMs: ctx.timeoutMs,
    },
    { ...ctx.retry, defaultWaitSeconds: Math.max(1, ctx.retry.defaultWaitSeconds) },
  );
  if (answer.status === 401 || answer.status === 403)
    throw notifyError(
      "Statuspage",
      `refused the API key (HTTP ${answer.status}); nothing was posted`,
      "check the key named by notify.statuspage.apiKey and notify.statuspage.pageId",
    );
  // A failed read changed nothing on the page: a clean failure, never "possibly sent".
  if ((answer.status < 200 || answer.status >= 300) && method === "GET")
    throw notifyError(
      "Statuspage",
      `could not be read (HTTP ${answer.status}); nothing was posted`,
      "check Statuspage's status, then run the same command again",
    );
  if (answer.status < 200 || answer.status >= 300) failFromStatus("Statuspage", answer);
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    throw notifyError("Statuspage", `answered something that is not JSON (${excerpt(answer.body)})`);
  }
}

const body = (u: StatuspageUpdate) => ({
  incident: {
    ...(u.name !== undefined ? { name: u.name } : {}),
    status: u.status,
    body: u.body,
    component_ids: u.componentIds,
    ...(u.componentIds.length ? { components: u.components } : {}),
    deliver_notifications: u.deliverNotifications,
    ...(u.metadata ? { metadata: u.metadata } : {}),
  },
});

function asIncident(v: unknown): StatuspageIncident {
  const o = v as StatuspageIncident;
  if (!o || typeof o.id !== "string") throw notifyError("Statuspage", "answered without an incident id");
  return o;
}

export async function createIncident(t: StatuspageTarget, u: StatuspageUpdate, ctx: NotifyContext): Promise<StatuspageIncident> {
  return asIncident(await call(t, ctx, "POST", "/incidents", body(u)));
}

export async function updateIncident(
  t: StatuspageTarget,
  id: string,
  u: StatuspageUpdate,
  ctx: NotifyContext,
): Promise<StatuspageIncident> {
  return asIncident(await call(t, ctx, "PATCH", `/incidents/${encodeURIComponent(id)}`, body(u)));
}

export async function getIncident(t: StatuspageTarget, id: string, ctx: NotifyContext): Promise<StatuspageIncident> {
  return asIncident(await call(t, ctx, "GET", `/incidents/${encodeURIComponent(id)}`));
}

/** Incidents whose text matches `q` (Statuspage's own search), newest first. */
export async function searchIncidents(t: StatuspageTarget, q: string, ctx: NotifyContext): Promise<StatuspageIncident[]> {
  const list = await call(t, ctx, "GET", `/incidents?q=${encodeURIComponent(q)}&limit=100`);
  return Array.isArray(list) ? (list as StatuspageIncident[]).filter((i) => i && typeof i.id === "string") : [];
}

export class StatuspageApiNotifier implements StatuspageNotifier {
  constructor(
    private readonly target: StatuspageTarget,
    private readonly ctx: NotifyContext,
  ) {}
  create(update: StatuspageUpdate): Promise<StatuspageIncident> {
    return createIncident(this.target, update, this.ctx);
  }
  update(id: string, update: StatuspageUpdate): Promise<StatuspageIncident> {
    return updateIncident(this.target, id, update, this.ctx);
  }
  get(id: string): Promise<StatuspageIncident> {
    return getIncident(this.target, id, this.ctx);
  }
  search(q: string): Promise<StatuspageIncident[]> {
    return searchIncidents(this.target, q, this.ctx);
  }
}

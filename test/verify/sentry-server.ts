// A local stand-in for Sentry's web API, following its published reference:
// - GET /api/0/organizations/{org}/events/ ("Query Discover Events in Table Format"): field (required),
//   query, project, environment, start+end or statsPeriod, dataset; answers {data: [...], meta: {fields, units}}.
// - GET /api/0/organizations/{org}/issues/ ("List an Organization's Issues") and
//   GET /api/0/projects/{org}/{project}/issues/ ("List a Project's Issues"): a JSON array of issues.
// Auth is a bearer token; a wrong one gets 401 {"detail": …} as Sentry answers.

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeEvent {
  at: number; // ms
  project: string;
  projectId: number;
  environment: string;
  release: string;
}

export interface FakeIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  permalink: string;
  firstSeen: string;
  lastSeen: string;
  count: string;
  userCount: number;
  level: string;
  status: string;
  project: { id: string; slug: string; name: string };
}

export interface FakeSentry {
  url: string;
  events: FakeEvent[];
  issues: FakeIssue[];
  requests: string[];
  close(): Promise<void>;
}

export async function startSentry(token: string, org = "acme"): Promise<FakeSentry> {
  const fake: FakeSentry = { url: "", events: [], issues: [], requests: [], close: async () => undefined };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    fake.requests.push(url.pathname + url.search);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { detail: "Invalid token" });
    const q = url.searchParams;
    let m = /^\/api\/0\/organizations\/([^/]+)\/events\/$/.exec(url.pathname);
    if (m) {
      if (m[1] !== org) return send(res, 404, { detail: "The requested resource does not exist" });
      const fields = q.getAll("field");
      if (fields.length === 0) return send(res, 400, { detail: "No columns selected" });
      if (!fields.every((f) => f === "count()")) return send(res, 400, { detail: "this stand-in answers count() only" });
      const start = q.get("start");
      const end = q.get("end");
      if ((start === null) !== (end === null)) return send(res, 400, { detail: "start and end are both required" });
      const from = start ? Date.parse(start) : Date.now() - 24 * 3600_000;
      const to = end ? Date.parse(end) : Date.now();
      const terms = (q.get("query") ?? "").split(/\s+/).filter(Boolean);
      const projects = q.getAll("project").map(Number);
      const env = q.getAll("environment");
      const n = fake.events.filter(
        (e) =>
          e.at >= from &&
          e.at < to &&
          (projects.length === 0 || projects.includes(e.projectId)) &&
          (env.length === 0 || env.includes(e.environment)) &&
          terms.every((t) => {
            const [k, v] = t.split(":");
            if (k === "event.type") return v === "error";
            if (k === "release") return e.release === v;
            if (k === "project") return e.project === v;
            return true;
          }),
      ).length;
      return send(res, 200, {
        data: [{ "count()": n }],
        meta: {
          fields: { "count()": "integer" },
          units: { "count()": null },
          isMetricsData: false,
          dataset: q.get("dataset") ?? "discover",
        },
      });
    }
    m = /^\/api\/0\/(?:organizations\/([^/]+)|projects\/([^/]+)\/([^/]+))\/issues\/$/.exec(url.pathname);
    if (m) {
      if ((m[1] ?? m[2]) !== org) return send(res, 404, { detail: "The requested resource does not exist" });
      const query = q.get("query") ?? "is:unresolved";
      const since = /firstSeen:>=?(\S+)/.exec(query)?.[1];
      const list = fake.issues.filter(
        (i) =>
          (!m![3] || i.project.slug === m![3]) &&
          (!since || Date.parse(i.firstSeen) >= Date.parse(since)) &&
          (!query.includes("is:unresolved") || i.status === "unresolved"),
      );
      return send(res, 200, list);
    }
    send(res, 404, { detail: "The requested resource does not exist" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

/** Errors at `perSecond` over [from, to), one every 1/perSecond seconds. */
export function errorsBetween(from: number, to: number, perSecond: number, e: Omit<FakeEvent, "at">): FakeEvent[] {
  const out: FakeEvent[] = [];
  for (let t = from; t < to; t += 1000 / perSecond) out.push({ ...e, at: t });
  return out;
}

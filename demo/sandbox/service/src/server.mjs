// The sandbox API: /profile behind a bearer token, /version, and /metrics in Prometheus text.
// PORT and APP_VERSION come from the environment (the deploy script sets them).

import { createServer } from "node:http";
import { authorize } from "./auth.mjs";
import { TOKENS } from "./tokens.mjs";

const version = process.env.APP_VERSION ?? "dev";
const counts = { requests: 0, bad: 0, byStatus: new Map() };

// "Bad" is what the on-call team watches: server errors, and the security audit's count of
// requests answered 200 with a token that had already expired.
function count(status, token) {
  counts.requests++;
  counts.byStatus.set(status, (counts.byStatus.get(status) ?? 0) + 1);
  const expired = token !== undefined && token.exp < Date.now() / 1000;
  if (status >= 500 || (status === 200 && expired)) counts.bad++;
}

function metrics() {
  const lines = [
    "# HELP api_requests_total Requests to /profile.",
    "# TYPE api_requests_total counter",
    `api_requests_total ${counts.requests}`,
    "# HELP api_bad_responses_total Server errors plus expired tokens let through (security audit).",
    "# TYPE api_bad_responses_total counter",
    `api_bad_responses_total ${counts.bad}`,
    "# TYPE api_responses_total counter",
    ...[...counts.byStatus].map(([s, n]) => `api_responses_total{status="${s}"} ${n}`),
  ];
  return lines.join("\n") + "\n";
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/version") return res.end(version + "\n");
  if (url.pathname === "/metrics") {
    res.setHeader("content-type", "text/plain; version=0.0.4");
    return res.end(metrics());
  }
  if (url.pathname === "/profile") {
    const header = req.headers.authorization;
    const token = TOKENS[String(header ?? "").replace(/^Bearer /, "")];
    let result;
    try {
      result = authorize(header);
    } catch {
      result = { status: 500, reason: "internal error" };
    }
    count(result.status, token);
    res.writeHead(result.status, { "content-type": "application/json" });
    return res.end(JSON.stringify(result.status === 200 ? { user: result.user } : { error: result.reason }));
  }
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1");
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));

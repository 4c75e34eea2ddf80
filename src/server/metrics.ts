// The server's figures in Prometheus text format: requests by route and status, request latency
// (a histogram), SSE clients and timeline events written through this replica.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #buckets = new Array<number>(BUCKETS.length).fill(0);
  #latencySum = 0;
  #latencyCount = 0;
  eventsWritten = 0;
  sseClients = 0;

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${route.replace(/["\\\n]/g, "_")}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    this.#latencySum += seconds;
    this.#latencyCount++;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.#buckets[i]!++;
    });
  }

  render(): string {
    const lines = [
      "# HELP firebreak_http_requests_total HTTP requests answered, by method, route and status.",
      "# TYPE firebreak_http_requests_total counter",
      ...[...this.#requests].map(([k, v]) => `firebreak_http_requests_total{${k}} ${v}`),
      "# HELP firebreak_http_request_duration_seconds Time to answer a request.",
      "# TYPE firebreak_http_request_duration_seconds histogram",
      ...BUCKETS.map((b, i) => `firebreak_http_request_duration_seconds_bucket{le="${b}"} ${this.#buckets[i]}`),
      `firebreak_http_request_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `firebreak_http_request_duration_seconds_sum ${this.#latencySum}`,
      `firebreak_http_request_duration_seconds_count ${this.#latencyCount}`,
      "# HELP firebreak_sse_clients Clients connected to GET /events.",
      "# TYPE firebreak_sse_clients gauge",
      `firebreak_sse_clients ${this.sseClients}`,
      "# HELP firebreak_events_written_total Timeline events written through this replica.",
      "# TYPE firebreak_events_written_total counter",
      `firebreak_events_written_total ${this.eventsWritten}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}

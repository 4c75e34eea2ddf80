// The viewers of `npm run bench:server`, in a worker thread of their own so that parsing thousands
// of SSE messages a second does not delay the writers' clocks in the main thread. Plain JavaScript:
// a worker thread does not inherit the TypeScript loader the bench runs under.
// Each SSE message carrying this run's marker is one delivery (the marker appears in the note's
// text and its summary: counted once per message). Times are wall-clock milliseconds
// (timeOrigin + now), comparable with the main thread's.

import { parentPort, workerData } from "node:worker_threads";

const MARK = /bench-m-(\d+)-\d+/;
const now = () => performance.timeOrigin + performance.now();
const sleep = (t) => new Promise((r) => setTimeout(r, t));

const { viewUrl, tokens, runId } = workerData;
const aborts = [];
const errors = [];
let pending = [];
let stop = false;
const flush = setInterval(() => {
  if (pending.length > 0) parentPort.postMessage({ type: "arrivals", list: pending });
  pending = [];
}, 20);

const ready = [];
const done = tokens.map((tok, v) => {
  const ac = new AbortController();
  aborts.push(ac);
  let onReady;
  ready.push(new Promise((res) => (onReady = res)));
  return (async () => {
    try {
      const res = await fetch(`${viewUrl}/events`, {
        headers: { authorization: `Bearer ${tok}`, accept: "text/event-stream" },
        signal: ac.signal,
      });
      if (res.status !== 200) {
        errors.push(`viewer ${v}: GET /events ${res.status}`);
        return;
      }
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of res.body) {
        const t = now();
        buf += decoder.decode(chunk, { stream: true });
        let cut = buf.indexOf("\n\n");
        while (cut >= 0) {
          const msg = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          if (msg.startsWith(": ready")) onReady();
          const m = MARK.exec(msg);
          if (m && m[1] === runId) pending.push([m[0], t]);
          cut = buf.indexOf("\n\n");
        }
      }
      if (!stop) errors.push(`viewer ${v}: the stream ended early`);
    } catch (e) {
      if (!stop) errors.push(`viewer ${v}: ${e.message}`);
    } finally {
      onReady();
    }
  })();
});

void Promise.race([Promise.all(ready), sleep(30_000)]).then(() => parentPort.postMessage({ type: "ready" }));

parentPort.on("message", async () => {
  stop = true;
  for (const ac of aborts) ac.abort();
  await Promise.all(done);
  clearInterval(flush);
  parentPort.postMessage({ type: "arrivals", list: pending });
  parentPort.postMessage({ type: "done", errors });
  parentPort.close();
});

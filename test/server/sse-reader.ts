// Reads a Server-Sent Events response until a predicate holds over what arrived (bounded), then
// cancels the stream.

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export async function readSse(
  res: Response,
  until: (msgs: SseMessage[]) => boolean,
  timeoutMs = 15_000,
  onComment: (text: string) => void = () => undefined,
): Promise<SseMessage[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const msgs: SseMessage[] = [];
  let buf = "";
  const deadline = setTimeout(() => void reader.cancel().catch(() => undefined), timeoutMs);
  try {
    while (!until(msgs)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let cut = buf.indexOf("\n\n");
      while (cut >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const m: SseMessage = { data: "" };
        let isMessage = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) {
            onComment(line.slice(1).trim());
            continue;
          }
          const [k, ...rest] = line.split(":");
          const v = rest.join(":").replace(/^ /, "");
          if (k === "id") m.id = v;
          else if (k === "event") m.event = v;
          else if (k === "data") m.data += v;
          isMessage = true;
        }
        if (isMessage) msgs.push(m);
        cut = buf.indexOf("\n\n");
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return msgs;
}

/** The note texts among the timeline messages, only of the given incidents when some are named. */
export const notes = (msgs: SseMessage[], incidents?: string[]): string[] =>
  msgs
    .filter((m) => m.event === "timeline")
    .map((m) => JSON.parse(m.data) as { incidentId: string; kind: string; data: { text?: string } })
    .filter((e) => e.kind === "note" && (!incidents || incidents.includes(e.incidentId)))
    .map((e) => e.data.text ?? "");

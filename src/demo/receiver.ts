// A local webhook receiver standing in for the team's chat: it keeps every JSON body it is sent
// and writes them to a file, so the demo can show the message that went out.

import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";

export interface Receiver {
  url: string;
  received: unknown[];
  close(): Promise<void>;
}

export async function startReceiver(file: string): Promise<Receiver> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        received.push(JSON.parse(text));
      } catch {
        received.push(text);
      }
      writeFileSync(file, JSON.stringify(received, null, 2) + "\n");
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/incidents`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

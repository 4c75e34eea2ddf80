import { afterEach, describe, expect, it } from "vitest";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";

let server: ContractServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const call = (method: string, path: string, body?: unknown) =>
  fetch(server!.url + path, {
    method,
    headers: { authorization: "token test-token-123456", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("the GitHub contract server", () => {
  it("fails a request no operation matches", async () => {
    server = await startContractServer();
    const r = await call("DELETE", "/repos/acme/api/pulls/1");
    expect(r.status).toBe(404);
    expect(server.errors.join("\n")).toMatch(/no operation/);
  });

  it("fails a body that breaks the schema and an undeclared query parameter", async () => {
    server = await startContractServer();
    expect((await call("POST", "/repos/acme/api/pulls", { head: "x", base: "main", draft: "yes" })).status).toBe(422);
    expect((await call("GET", "/repos/acme/api/pulls?colour=red")).status).toBe(400);
    expect((await call("GET", "/repos/acme/api/pulls/abc")).status).toBe(400);
    expect(server.errors).toHaveLength(3);
  });

  it("keeps state and answers schema-valid responses", async () => {
    server = await startContractServer();
    const created = await call("POST", "/repos/acme/api/pulls", { head: "hotfix/x", base: "main", title: "t", body: "b" });
    expect(created.status).toBe(201);
    const list = (await (await call("GET", "/repos/acme/api/pulls?state=open&head=acme%3Ahotfix%2Fx")).json()) as { number: number }[];
    expect(list.map((p) => p.number)).toEqual([1]);
    const dup = await call("POST", "/repos/acme/api/pulls", { head: "hotfix/x", base: "main", title: "t" });
    expect(dup.status).toBe(422);
    expect(JSON.stringify(await dup.json())).toMatch(/already exists/);
    expect(server.errors).toEqual([]);
  });

  it("injects a secondary rate limit with retry-after and a connection reset", async () => {
    server = await startContractServer();
    server.inject("pulls/list", { kind: "secondary-rate-limit", retryAfter: 7 });
    const r = await call("GET", "/repos/acme/api/pulls");
    expect(r.status).toBe(403);
    expect(r.headers.get("retry-after")).toBe("7");
    server.inject("pulls/list", { kind: "reset" });
    await expect(call("GET", "/repos/acme/api/pulls")).rejects.toThrow();
    expect((await call("GET", "/repos/acme/api/pulls")).status).toBe(200);
  });
});

// firebreak backport with forge.type github, against the contract server that checks every request
// and answer against GitHub's OpenAPI description: one PR per target, labelled, linking the
// original PR; a re-run opens nothing new.

import { afterEach, describe, expect, it } from "vitest";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { makeCliFixture, TICKET, type CliFixture } from "./cli-fixture.js";

const TOKEN = "ghp_backportcanary0123456789abcdefghijKL";
let fx: CliFixture | undefined;
let server: ContractServer | undefined;
afterEach(async () => {
  await server?.close();
  fx?.cleanup();
  server = undefined;
  fx = undefined;
});

describe("firebreak backport on GitHub", () => {
  it("opens one labelled PR per target and none twice", async () => {
    server = await startContractServer();
    const config = [
      "forge:",
      "  type: github",
      `  repo: ${server.owner}/${server.repo}`,
      `  baseUrl: ${server.url}`,
      "backport:",
      "  targets:",
      "    - branch: release-candidate",
      "      short: rc",
      "    - branch: develop",
      "",
    ].join("\n");
    const env = { GITHUB_TOKEN: TOKEN };
    fx = await makeCliFixture({ config, pr: true, env });
    const r = await fx.cli(["backport", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);

    const prs = [...server.state.pulls.values()] as {
      number: number;
      head: { ref: string };
      base: { ref: string };
      title: string;
      body: string;
      labels: { name: string }[];
    }[];
    const original = prs.find((p) => p.head.ref.startsWith("hotfix/"));
    const backports = prs.filter((p) => p.head.ref.startsWith("backport/"));
    expect(backports.map((p) => [p.head.ref, p.base.ref]).sort()).toEqual([
      [`backport/develop/hotfix-${TICKET}`, "develop"],
      [`backport/rc/hotfix-${TICKET}`, "release-candidate"],
    ]);
    for (const p of backports) {
      expect(p.labels.map((l) => l.name).sort()).toEqual(["P1", "backport", "hotfix"]);
      expect(p.body).toContain(`[#${original?.number}](https://github.com/${server.owner}/${server.repo}/pull/${original?.number})`);
    }
    expect(r.json().targets.map((t: { pr: { url: string } }) => t.pr.url)).toEqual(
      ["release-candidate", "develop"].map(
        (b) => `https://github.com/${server!.owner}/${server!.repo}/pull/${backports.find((p) => p.base.ref === b)?.number}`,
      ),
    );
    expect(server.errors).toEqual([]);

    const again = await fx.cli(["backport"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(server.state.pulls.size).toBe(prs.length);
    expect(server.requests.filter((q) => q.op === "pulls/create")).toHaveLength(prs.length);
    expect(server.errors).toEqual([]);
  });
});

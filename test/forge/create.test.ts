import { afterEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { createForge, resolveGitHubRepo, resolveGitHubToken } from "../../src/adapters/forge/create.js";
import { redact } from "../../src/redact.js";
import { defaultConfig } from "../../src/config/schema.js";
import { makePrFixture, type PrFixture } from "./fixture.js";

let fx: PrFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe("forge set-up", () => {
  it("takes the token from forge.token, GITHUB_TOKEN, then GH_TOKEN, and registers it for redaction", async () => {
    const a = await resolveGitHubToken({ env: { GITHUB_TOKEN: "ghp_first_aaaaaaaaaaaa", GH_TOKEN: "ghp_second_bbbbbbbbbbb" } });
    expect(a.source).toBe("env:GITHUB_TOKEN");
    expect(String(a)).toBe("****");
    expect(inspect(a)).toBe("****");
    expect(redact("x ghp_first_aaaaaaaaaaaa y")).toBe("x **** y");
    expect((await resolveGitHubToken({ env: { GH_TOKEN: "ghp_second_bbbbbbbbbbb" } })).source).toBe("env:GH_TOKEN");
    expect(
      (
        await resolveGitHubToken({
          configToken: "env:MY_GH",
          env: { MY_GH: "ghp_third_ccccccccccc", GITHUB_TOKEN: "ghp_first_aaaaaaaaaaaa" },
        })
      ).source,
    ).toBe("env:MY_GH");
    await expect(resolveGitHubToken({ configToken: "env:MISSING_ONE", env: {} })).rejects.toMatchObject({ code: "SECRET_MISSING" });
  });

  it("finds the repository in config, a github.com remote, or an Enterprise remote", () => {
    expect(resolveGitHubRepo("acme/api", null)).toEqual({ owner: "acme", name: "api" });
    expect(resolveGitHubRepo(undefined, "git@github.com:acme/api.git")).toEqual({ owner: "acme", name: "api" });
    expect(resolveGitHubRepo(undefined, "https://ghe.example.com/acme/api.git", "https://ghe.example.com/api/v3")).toEqual({
      owner: "acme",
      name: "api",
    });
    expect(() => resolveGitHubRepo(undefined, "https://gitlab.com/acme/api.git")).toThrow(/forge.repo/);
  });

  it("builds the plain-git forge by default", async () => {
    fx = await makePrFixture();
    const forge = await createForge({ config: defaultConfig(), git: fx.git, store: fx.store, clock: fx.clock, actor: "x" });
    expect(forge.kind).toBe("git");
  });
});

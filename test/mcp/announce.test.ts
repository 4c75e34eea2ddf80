// Telling people through the comms toolset: the agent plans an announcement (the messages as
// they will go out, nothing sent), then applies it once; a webhook receiver on 127.0.0.1 counts
// what really went out.

import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let fx: GitFixture | undefined;
let hook: Server | undefined;
afterEach(async () => {
  await closeAll();
  fx?.cleanup();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  fx = hook = undefined;
});

describe("firebreak mcp: announcements", () => {
  it("previews the message in the plan, sends it on apply, and never twice", async () => {
    const posts: string[] = [];
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        posts.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;

    fx = makeRepo();
    fx.commit("chore: firebreak config", {
      ".firebreak.yml": 'checks:\n  test: "node -e 0"\nnotify:\n  webhook: { url: env:TEAM_HOOK }\n',
    });
    fx.git("push", "-q", "origin", "main");
    expect((await firebreak(fx.work, ["start", "ENG-11", "Checkout fails for saved cards", "--priority", "P1"])).code).toBe(0);

    const s = await connect(fx.work, ["--toolsets", "comms", "--allow", "comms"], {}, { TEAM_HOOK: url });
    expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(["comms_announce_plan", "comms_announce_apply"]);
    const planned = await s.call("comms_announce_plan", { stage: "identified" });
    expect(planned.isError, textOf(planned)).toBeFalsy();
    const plan = planned.structuredContent as { planId: string; messages: Array<{ channel: string; text: string }> };
    expect(plan.messages.map((m) => m.channel)).toEqual(["webhook"]);
    expect(plan.messages[0]!.text).toContain("ENG-11");
    expect(posts).toHaveLength(0);

    const sent = await s.call("comms_announce_apply", { planId: plan.planId });
    expect(sent.isError, textOf(sent)).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ stage: "identified", failed: false });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain("ENG-11");

    const again = await s.call("comms_announce_apply", { planId: plan.planId });
    expect(textOf(again)).toContain("PLAN_APPLIED");
    expect(posts).toHaveLength(1);
  });
});

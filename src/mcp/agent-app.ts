// The app as the MCP server's caller sees it: the same repository, record and config as the CLI,
// but the actor is an agent. Every effect it journals carries actorKind "agent", so the core
// refuses it the decisions that need a person (approve, waive, confirm a deploy) whatever it asks.

import { App, type AppOptions } from "../app/app.js";
import type { EffectDeps } from "../workflow/effect.js";

export class AgentApp extends App {
  constructor(opts: AppOptions) {
    super(opts);
  }

  /** The agent is named as one on the record: "agent (Dana)" drives on Dana's machine. */
  override async actor(): Promise<string> {
    const name = this.env.FIREBREAK_AGENT_NAME?.trim();
    return name ? `agent ${name}` : `agent (${await super.actor()})`;
  }

  override async effectDeps(): Promise<EffectDeps> {
    return { ...(await super.effectDeps()), actor: await this.actor(), actorKind: "agent" };
  }
}

// The toolsets an agent can be given, in the order tools are listed. Tools that change anything
// appear only when their toolset is allowed (--allow), so a server started without flags can only read.

export const TOOLSETS = ["incident", "fix", "release", "verify", "comms", "backport", "review"] as const;
export type Toolset = (typeof TOOLSETS)[number];

export const isToolset = (s: string): s is Toolset => (TOOLSETS as readonly string[]).includes(s);

/** Listed without --toolsets: the steps from triage to a shipped fix, at most 12 tools. */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ["incident", "fix", "release"];

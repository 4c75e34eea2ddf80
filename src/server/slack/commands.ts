// `/firebreak …`: status, list, note, triage, link, help. The command is acknowledged at once
// (app.ts); this runs after, and its answer goes to the command's response URL, visible only to
// the person who asked.

import { CRITERIA } from "../../domain/criteria.js";
import { DEFAULT_CALENDAR } from "../../domain/calendar.js";
import { computeDeadline } from "../../domain/deadline.js";
import { LEVELS } from "../../domain/levels.js";
import type { TriageResult } from "../../domain/triage.js";
import type { Incident } from "../../domain/types.js";
import { FirebreakError } from "../../errors.js";
import { canSee } from "../access.js";
import { note } from "./actions.js";
import { esc, summary, incidentMessage } from "./message.js";
import { visibleIncident, type Reply, type SlackCtx, forCaller } from "./context.js";
import { identify, linkWithCode, type SlackUser } from "./link.js";

export interface SlashCommand extends SlackUser {
  text: string;
  channelId: string;
  responseUrl: string;
  triggerId: string;
}

export const HELP = [
  "*/firebreak status [TICKET]* — the checklist, the clock and the next step",
  "*/firebreak list* — the open incidents you may see",
  "*/firebreak note [TICKET] TEXT* — add a note to the timeline (responders)",
  "*/firebreak triage* — pick what is broken: the level and the deadline",
  "*/firebreak link CODE* — act as your Firebreak person (code: firebreak slack link-code --name <you>)",
].join("\n");

const TICKET = /^[A-Za-z][A-Za-z0-9]*-\d+$/;

/** The incident a command is about: the ticket given, else the one open incident the caller may see. */
async function pick(ctx: SlackCtx, caller: Parameters<typeof canSee>[0], ref: string | undefined): Promise<Incident> {
  if (ref) return visibleIncident(ctx, caller, ref);
  const open = (await ctx.store.listIncidents({ all: false })).filter((i) => canSee(caller, i));
  if (open.length === 1) return open[0]!;
  throw new FirebreakError({
    code: "USAGE",
    message: open.length === 0 ? "No open incident that you may see." : `${open.length} open incidents: say which one.`,
    next: open.length === 0 ? "/firebreak list" : `/firebreak status ${open[0]!.ticket}`,
  });
}

export async function runCommand(app: SlackCtx, cmd: SlashCommand): Promise<Reply> {
  const [verb = "help", ...rest] = cmd.text.trim().split(/\s+/).filter(Boolean);
  const who = await identify(app.records, cmd, app.clock.now());
  // A linked person works on their own team's record.
  const ctx = forCaller(app, who.caller);
  switch (verb.toLowerCase()) {
    case "help":
      return { text: HELP };
    case "link": {
      const token = await linkWithCode(ctx.records, cmd, rest[0] ?? "", ctx.clock.now());
      return { text: `Linked: you act as ${token.name} (${token.role}) in Firebreak from now on. Next: /firebreak status` };
    }
    case "list": {
      const open = (await ctx.store.listIncidents({ all: false })).filter((i) => canSee(who.caller, i));
      if (open.length === 0) return { text: "No open incident that you may see. Next: /firebreak triage when something breaks." };
      const now = ctx.clock.now();
      const lines = await Promise.all(
        open.map(async (i) => {
          const s = summary(i, await ctx.store.timeline(i.id), now);
          return `*${i.ticket}* ${i.priority} · ${esc(i.title)} · ${i.status} · ${s.clock} · ${s.done}/${s.needed.length} done`;
        }),
      );
      return { text: `${lines.join("\n")}\nNext: /firebreak status TICKET` };
    }
    case "status": {
      const incident = await pick(ctx, who.caller, rest[0]);
      const events = await ctx.store.timeline(incident.id);
      const view = incidentMessage(incident, events, ctx.clock.now());
      const { items, next } = summary(incident, events, ctx.clock.now());
      const mark = { done: "✓", waived: "~", next: "→", todo: "·", "not-needed": "" } as const;
      const list = items.filter((i) => i.state !== "not-needed").map((i) => `${mark[i.state]} ${esc(i.item.label)}`);
      const text = `${view.text}\n${list.join("\n")}\nNext: ${next ? `\`${next.item.command}\`` : "nothing left on the checklist"}`;
      return {
        text,
        blocks: [
          ...view.blocks.filter((b) => b.type !== "actions"),
          { type: "section", text: { type: "mrkdwn", text: list.join("\n") || "—" } },
        ],
      };
    }
    case "note": {
      const ticketFirst = rest[0] && TICKET.test(rest[0]) ? rest[0] : undefined;
      const text = (ticketFirst ? rest.slice(1) : rest).join(" ").trim();
      if (text === "")
        throw new FirebreakError({
          code: "USAGE",
          message: "A note needs its text.",
          next: "/firebreak note ENG-1234 rolled the cache back",
        });
      const incident = await pick(ctx, who.caller, ticketFirst);
      return { text: (await note(ctx, who, incident, text.slice(0, 3000))).text };
    }
    case "triage":
      await ctx.web.views.open({ trigger_id: cmd.triggerId, view: triageModal(cmd.channelId) });
      return { text: "Pick what is broken in the form; the level and the deadline come back here." };
    default:
      return { text: `Unknown: /firebreak ${esc(verb)}.\n${HELP}` };
  }
}

export const TRIAGE_CALLBACK = "fb_triage";

function triageModal(channel: string) {
  return {
    type: "modal" as const,
    callback_id: TRIAGE_CALLBACK,
    private_metadata: JSON.stringify({ channel }),
    title: { type: "plain_text" as const, text: "Triage" },
    submit: { type: "plain_text" as const, text: "Decide the level" },
    blocks: [
      {
        type: "input" as const,
        block_id: "criteria",
        label: { type: "plain_text" as const, text: "What is broken?" },
        element: {
          type: "multi_static_select" as const,
          action_id: "criteria",
          placeholder: { type: "plain_text" as const, text: "every criterion that applies" },
          options: CRITERIA.map((c) => ({
            text: { type: "plain_text" as const, text: `${c.level} · ${c.label}`.slice(0, 75) },
            value: c.id,
          })),
        },
      },
    ],
  };
}

/** The answer to a triage: the level the most severe criterion decides, and how soon to respond. */
export function triageAnswer(result: TriageResult, now: Date): string {
  if (result.kind === "not-emergency") return `${result.message}\nNext: ${result.next}`;
  const level = LEVELS[result.priority];
  // The server has no team calendar (it lives in each repository's .firebreak.yml): business days
  // are read as Monday to Friday, UTC; \`firebreak start\` computes the recorded deadline itself.
  const due = computeDeadline(result.priority, now, DEFAULT_CALENDAR);
  return [
    `*${result.priority}* (${level.kind}), decided by ${result.decidedBy.map((c) => c.label).join(", ")}.`,
    `Respond within ${level.respondWithin}: if discovered now, by ${due.toISOString().slice(0, 16).replace("T", " ")} UTC (Mon–Fri business days). Deploy: ${level.deploy}.`,
    `Next: firebreak start <TICKET> "<title>" --priority ${result.priority} --criteria ${result.all.map((c) => c.id).join(",")}`,
  ].join("\n");
}

// firebreak announce [--stage S] [--channel a,b] [--preview [--out DIR]] [--resend CHANNEL] [--public-title T] [--public-summary S]:
// tell people, from the record, once per stage and channel. The summary lists each channel's
// outcome; any failure exits 9 while the other channels still go out.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { announceStage, previewStage, announceCommand, configuredChannels, selectChannels } from "../../workflow/announce.js";
import { CUSTOMER_CHANNELS } from "../../config/schema-notify.js";
import { parseStage, stageFromRecord, STAGES, type Stage } from "../../announce/stages.js";
import { E, EXIT } from "../../errors.js";
import { cleanTitle, MAX_TITLE, unseenIn } from "../../workflow/start.js";
import { splitList } from "../format.js";
import { publicText } from "../../announce/model.js";

const NEXT_STAGE: Record<Stage, Stage | null> = {
  investigating: "identified",
  identified: "monitoring",
  monitoring: "resolved",
  resolved: null,
};

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const stage = typeof opts.stage === "string" ? parseStage(opts.stage) : stageFromRecord(incident);
  const channels = splitList(opts.channel);
  const resend = (Array.isArray(opts.resend) ? (opts.resend as string[]) : []).flatMap((r) => splitList(r));
  const command = announceCommand(incident, stage);

  // The words customers read are set once and kept on the record for every later stage.
  // Customers read it: the same cleaning and bound as an incident's title.
  const publicTitle = typeof opts.publicTitle === "string" ? cleanTitle(opts.publicTitle) : "";
  if (publicTitle.length > MAX_TITLE)
    throw E.usage(
      `--public-title is ${publicTitle.length} characters; the limit is ${MAX_TITLE}.`,
      'firebreak announce --public-title "<a few words>" --public-summary "<the details>"',
    );
  if (typeof opts.publicTitle === "string" && unseenIn(opts.publicTitle).length)
    out.warn(`Removed ${unseenIn(opts.publicTitle).join(", ")} from --public-title: invisible or direction-changing characters.`);
  const publicSummary = typeof opts.publicSummary === "string" ? opts.publicSummary.trim() : "";
  if (publicTitle || publicSummary) {
    const now = publicText(incident);
    const next = { title: publicTitle || now.title, summary: publicSummary || now.summary };
    if (next.title !== now.title || next.summary !== now.summary) {
      const store = await app.store();
      const updated = await store.updateIncident(
        incident.id,
        { data: { public: next } },
        {
          at: app.clock.now().toISOString(),
          actor: await app.actor(),
          kind: "announce.public-text",
          data: { ...next, summary: `customers read: ${next.title}${next.summary ? ` — ${next.summary}` : ""}` },
        },
      );
      Object.assign(incident, updated);
    }
  } else if (
    incident.priority === "P0" &&
    !publicText(incident).title &&
    // Only when customers would read it: a message to the team's chat may carry the internal title.
    selectChannels((await app.config()).notify, channels).some((c) => CUSTOMER_CHANNELS.includes(c))
  ) {
    out.warn(
      `Customer-facing channels (email, status pages) show the internal title "${incident.title}". For a security incident, set what customers read: --public-title "…" [--public-summary "…"].`,
    );
  }

  if (opts.preview) {
    const outDir = typeof opts.out === "string" ? opts.out : undefined;
    const previews = await previewStage(app, incident, stage, { channels, outDir });
    out.data({ preview: true, ticket: incident.ticket, stage, channels: previews });
    out.line(`Preview of the ${stage} announcement for ${incident.ticket}: nothing has been sent.`);
    // With no channel set up, the preview shows every kind there is; say so, or it reads as a plan.
    const none =
      channels.length === 0 &&
      !(await app.config()).notify.channels?.length &&
      configuredChannels((await app.config()).notify).length === 0;
    if (none)
      out.warn(
        "No notify channel is configured: this shows every kind of channel there is. Add one under notify in .firebreak.yml (docs/announce.md) before announcing.",
      );
    for (const p of previews) {
      out.line("");
      out.line(out.bold(`── ${p.channel} ${"─".repeat(Math.max(3, 60 - p.channel.length))}`));
      out.line(p.text);
      for (const f of p.files) out.line(out.dim(`   written: ${f}`));
    }
    out.line("");
    out.next(command);
    return 0;
  }
  if (opts.out) out.warn("--out only applies with --preview; ignored.");

  if (stage === "resolved" && incident.status !== "verified" && incident.status !== "resolved")
    out.warn(`The record does not show the fix verified in production (status: ${incident.status}); announcing the resolution anyway.`);

  const result = await announceStage(app, incident, stage, { channels: channels.length ? channels : undefined, out, resend });
  out.data({ ticket: incident.ticket, ...result });

  out.line(`${out.bold(`${incident.ticket}`)}: ${stage} announcement`);
  const width = Math.max(...result.outcomes.map((o) => o.channel.length));
  for (const o of result.outcomes) {
    const mark =
      o.state === "failed"
        ? out.red("✖")
        : o.state === "possibly-sent"
          ? out.yellow("?")
          : o.state === "sent"
            ? out.green("✔")
            : out.green("✔");
    const label = {
      sent: "sent",
      "already-sent": "already sent",
      confirmed: "confirmed",
      "possibly-sent": "POSSIBLY SENT",
      failed: "FAILED",
    }[o.state];
    out.line(`  ${mark} ${o.channel.padEnd(width)}  ${label}: ${o.summary}`);
    if (o.next && o.state !== "sent") out.line(`    ${out.dim("next:")} ${o.next}`);
  }
  if (result.resolvedRecorded) out.success(`Recorded the resolution of ${incident.ticket}.`);

  const possibly = result.outcomes.filter((o) => o.state === "possibly-sent").map((o) => o.channel);
  if (result.failed) {
    out.next(`fix what is listed above, then run: ${command}   # channels already sent are not sent again`);
    return EXIT.external;
  }
  if (possibly.length) {
    out.next(
      `check ${possibly.join(", ")} by hand; only if the message is missing: ${command} ${possibly.map((c) => `--resend ${c}`).join(" ")}`,
    );
    return 0;
  }
  const after = NEXT_STAGE[stage];
  out.next(
    after
      ? `firebreak announce --stage ${after}   # when it is ${after} (stages: ${STAGES.join(" → ")})`
      : `firebreak status ${incident.ticket}`,
  );
  return 0;
}

// The deploy gate (SPEC part 5), per level and environment: what must be true before a deploy,
// each unmet item with the command that meets it. Pure: the facts are gathered in
// workflow/gate.ts from the record and the forge.

import type { Priority } from "./types.js";
import { LEVELS } from "./levels.js";
import type { Approval, CiState, ForgeKind } from "./forge-facts.js";

export type DeployEnv = "staging" | "production";
export const DEPLOY_ENVS: readonly DeployEnv[] = ["staging", "production"];

export interface Waiver {
  item: "approval" | "watch";
  by: string;
  reason: string;
  at: string;
  /** The hotfix commit it was given for (absent on records written before waivers kept it). */
  commit?: string;
}

/**
 * A waiver covers the commit it was given for, as an approval does: a new fix after a rollback
 * was neither reviewed nor waived. One without a commit (an older record) covers the release
 * cycle it was given in: not after a later rollback (`rolledBackAt`).
 */
export function waiverCovers(w: Waiver, headSha: string, rolledBackAt: string | null | undefined): boolean {
  if (w.commit !== undefined) return w.commit === headSha;
  return !rolledBackAt || Date.parse(w.at) > Date.parse(rolledBackAt);
}

/** Why a waiver on the record does not count for `headSha`, in the words of a gate item's detail. */
function staleWaiver(w: Waiver, headSha: string, rolledBackAt: string | null | undefined): string {
  const given = w.commit
    ? `for ${w.commit.slice(0, 12)}, an earlier commit`
    : `before the rollback at ${(rolledBackAt ?? "").slice(0, 16).replace("T", " ")} UTC`;
  return `waived by ${w.by} ${given}: it does not cover the latest commit ${headSha.slice(0, 12)}, which needs an approval or a waiver of its own`;
}

export interface GateFacts {
  ticket: string;
  priority: Priority;
  env: DeployEnv;
  forge: ForgeKind;
  pr: { number: number; url: string; state: string } | null;
  approvals: Approval[];
  waiver: Waiver | null;
  ci: CiState;
  headSha: string;
  /** Metrics to watch are configured, or a person confirmed the monitoring. */
  monitoring: boolean;
  /** A person confirmed on-call was told, or an announcement went out. */
  oncallTold: boolean;
  stagingConfigured: boolean;
  /**
   * What staging runs: the latest staging deploy (version and commit), and whether a staging
   * verification was recorded after it. Staging counts only for the commit that would ship.
   */
  staging: { version: string; sha: string; verifiedAfter: boolean } | null;
  /**
   * What the watch after the deploy could catch with the baselines at hand (verify metrics only).
   * `required`: a regression rolls back by itself at this level (verify.autoRollback, P0/P1), so a
   * watch that could not see one must be made able to, or waived at P0.
   */
  watch?: {
    ratio: number;
    required: boolean;
    waiver: Waiver | null;
    metrics: Array<{ name: string; says: string; canCatch: boolean; fix?: string }>;
  } | null;
  /** When the incident's latest rollback was recorded: a waiver older than it without a commit does not count. */
  rolledBackAt?: string | null;
  /** `firebreak confirm staging-verified` for the hotfix head: who checked staging by hand, and when. */
  stagingConfirmed?: { by: string; at: string } | null;
}

export interface GateItem {
  id: "pr" | "approval" | "ci-green" | "staging-deployed" | "staging-verified" | "monitoring" | "oncall-notified" | "watch";
  label: string;
  met: boolean;
  waived: boolean;
  /** What was seen: "Dana approved", "2 of 3 checks green"… */
  detail: string;
  /** The command that meets it (unmet items only). */
  command?: string;
}

export interface Gate {
  env: DeployEnv;
  priority: Priority;
  items: GateItem[];
  ok: boolean;
}

function ciItem(f: GateFacts): GateItem {
  const { ci } = f;
  const sha = f.headSha.slice(0, 12);
  const bad = ci.checks.filter((c) => c.state !== "success").map((c) => `${c.name} ${c.state === "pending" ? "pending" : "failed"}`);
  const base = { id: "ci-green" as const, label: "All CI checks green", waived: false };
  switch (ci.state) {
    case "green":
      return { ...base, met: true, detail: `${ci.checks.length} check(s) green on ${sha} (${ci.source})` };
    case "pending":
      return {
        ...base,
        met: false,
        detail: `still running on ${sha}: ${bad.join(", ")}`,
        command: "firebreak ship --dry-run   # again once the checks finish",
      };
    case "failing":
      return {
        ...base,
        met: false,
        detail: `not green on ${sha}: ${bad.join(", ")} (${ci.source})`,
        command: f.forge === "git" ? "fix it, then: firebreak check" : "fix the failing checks and push, then: firebreak ship --dry-run",
      };
    default:
      return {
        ...base,
        met: false,
        detail:
          f.forge === "git"
            ? ci.staleChecks
              ? `no checks recorded for ${sha}: the last run was on a different change`
              : "no checks recorded yet"
            : `no check runs or statuses reported for ${sha} (${ci.source})`,
        command: f.forge === "git" ? "firebreak check" : "push the branch so CI runs, then: firebreak ship --dry-run",
      };
  }
}

function approvalItem(f: GateFacts): GateItem {
  const base = { id: "approval" as const, label: "At least one approval" };
  // An approval counts for the commit it was given on: a fix commit pushed after it was not
  // reviewed (GitHub's "dismiss stale approvals"). An approval whose commit is unknown counts.
  const current = f.approvals.filter((a) => a.commit === undefined || a.commit === f.headSha);
  const stale = f.approvals.filter((a) => !current.includes(a));
  if (current.length > 0) return { ...base, met: true, waived: false, detail: `approved by ${current.map((a) => a.by).join(", ")}` };
  const waivable = LEVELS[f.priority].approvalWaivable;
  const covers = f.waiver !== null && waiverCovers(f.waiver, f.headSha, f.rolledBackAt);
  if (f.waiver && covers && waivable)
    return { ...base, met: true, waived: true, detail: `waived by ${f.waiver.by}: ${f.waiver.reason} (review after deploy: due)` };
  const approve = f.forge === "git" ? "firebreak approve --by <reviewer>" : `ask a reviewer to approve ${f.pr?.url ?? "the pull request"}`;
  return {
    ...base,
    met: false,
    waived: false,
    detail: stale.length
      ? `approved by ${stale.map((a) => a.by).join(", ")} at ${stale[0]!.commit!.slice(0, 12)}, before the latest commit ${f.headSha.slice(0, 12)}: it needs approving again`
      : f.waiver && waivable
        ? staleWaiver(f.waiver, f.headSha, f.rolledBackAt)
        : "no approval yet",
    command: waivable ? `${approve}   # or, for a ${f.priority}: firebreak waive approval --reason "<why>"` : approve,
  };
}

function watchItem(f: GateFacts, w: NonNullable<GateFacts["watch"]>): GateItem {
  const label = `The watch can catch a ${w.ratio}× regression`;
  const detail = w.metrics.map((m) => `${m.name}: ${m.says}`).join("; ");
  const blind = w.metrics.filter((m) => !m.canCatch);
  if (blind.length === 0) return { id: "watch", label, met: true, waived: false, detail };
  if (!w.required)
    return { id: "watch", label, met: true, waived: false, detail: `not required at ${f.priority} without automatic rollback: ${detail}` };
  if (w.waiver && waiverCovers(w.waiver, f.headSha, f.rolledBackAt) && LEVELS[f.priority].approvalWaivable)
    return { id: "watch", label, met: true, waived: true, detail: `waived by ${w.waiver.by}: ${w.waiver.reason} (${detail})` };
  const fix = blind.find((m) => m.fix)?.fix;
  const waive = LEVELS[f.priority].approvalWaivable ? `firebreak waive watch --reason "<why>"` : null;
  const other = "a longer verify.windowMinutes or smoke traffic, or turn off verify.autoRollback." + f.priority;
  return {
    id: "watch",
    label,
    met: false,
    waived: false,
    detail: `a regression at ${f.priority} rolls back by itself, but ${detail}`,
    command: fix ? `${fix}${waive ? `   # or: ${waive}` : ""}` : (waive ?? `change .firebreak.yml: ${other}`),
  };
}

export function evaluateGate(f: GateFacts): Gate {
  const items: GateItem[] = [];
  const item = (i: Omit<GateItem, "waived"> & { waived?: boolean }) => items.push({ waived: false, ...i });

  if (f.env === "production") {
    item(
      f.pr
        ? {
            id: "pr",
            label: "Pull request opened",
            met: f.pr.state !== "closed",
            detail: f.pr.state === "closed" ? `#${f.pr.number} is closed` : `#${f.pr.number} ${f.pr.url}`,
            ...(f.pr.state === "closed" ? { command: "reopen it on the forge, then: firebreak pr" } : {}),
          }
        : { id: "pr", label: "Pull request opened", met: false, detail: "no pull request yet", command: "firebreak pr" },
    );
    items.push(approvalItem(f));
  }
  items.push(ciItem(f));

  if (f.env === "production") {
    if (LEVELS[f.priority].stagingRequired) {
      const head = f.headSha.slice(0, 12);
      const st = f.staging;
      // Staging must run the very commit that ships: a deploy of an earlier commit does not count.
      const manual = f.stagingConfirmed ?? null;
      const deployed = (st !== null && st.sha === f.headSha) || manual !== null;
      const toStaging = f.stagingConfigured
        ? "firebreak ship --to staging"
        : "add deploy.staging to .firebreak.yml, then: firebreak ship --to staging";
      item({
        id: "staging-deployed",
        label: "Deployed to staging",
        met: deployed,
        detail: deployed
          ? st !== null && st.sha === f.headSha
            ? `${st.version} (${head})`
            : `${head}, confirmed by ${manual!.by} at ${manual!.at.slice(0, 16).replace("T", " ")} UTC`
          : !f.stagingConfigured
            ? "no staging deployer configured (deploy.staging in .firebreak.yml)"
            : st
              ? `staging runs ${st.version} (${st.sha.slice(0, 12)}), not the hotfix head ${head}`
              : "not yet",
        ...(deployed ? {} : { command: toStaging }),
      });
      const verified = deployed && ((st !== null && st.sha === f.headSha && st.verifiedAfter) || manual !== null);
      item({
        id: "staging-verified",
        label: "Verified on staging",
        met: verified,
        detail: verified
          ? manual && !(st !== null && st.sha === f.headSha && st.verifiedAfter)
            ? `checked by hand by ${manual.by} at ${manual.at.slice(0, 16).replace("T", " ")} UTC (firebreak confirm staging-verified)`
            : `verified after the staging deploy of ${head}`
          : deployed
            ? `not since ${st!.version} was deployed to staging`
            : `not for ${head}`,
        ...(verified
          ? {}
          : {
              command: deployed
                ? "firebreak verify --env staging"
                : `${toStaging}   # then: firebreak verify --env staging; or, deployed and checked by hand: firebreak confirm staging-verified --note "…"`,
            }),
      });
    }
    const monitoring = f.monitoring;
    item({
      id: "monitoring",
      label: "Monitoring configured",
      met: monitoring,
      detail: monitoring ? "configured" : "not confirmed",
      ...(monitoring ? {} : { command: "firebreak confirm monitoring   # or configure verify metrics in .firebreak.yml" }),
    });
    const told = f.oncallTold;
    item({
      id: "oncall-notified",
      label: "On-call told",
      met: told,
      detail: told ? "told" : "not recorded",
      ...(told ? {} : { command: "firebreak confirm oncall-notified   # or: firebreak announce" }),
    });
    if (f.watch && f.watch.metrics.length > 0) items.push(watchItem(f, f.watch));
  }
  return { env: f.env, priority: f.priority, items, ok: items.every((i) => i.met) };
}

// Figures for the record, in the words people use on an incident call.

export type RateUnit = "s" | "min" | "h";

const PER: Record<RateUnit, number> = { s: 1, min: 60, h: 3600 };

function figure(x: number): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 100) return Math.round(x).toString();
  if (a >= 10) return (Math.round(x * 10) / 10).toString();
  if (a >= 0.1) return (Math.round(x * 10) / 10).toString();
  return Number(x.toPrecision(1)).toString();
}

/**
 * "error rate 7.5/min → 0.2/min" from two rates in events per second.
 * `what` names the metric ("error rate", "slow requests").
 */
export function describeRate(before: number, after: number, unit: RateUnit = "min", what = "error rate"): string {
  const f = PER[unit];
  return `${what} ${figure(before * f)}/${unit} → ${figure(after * f)}/${unit}`;
}

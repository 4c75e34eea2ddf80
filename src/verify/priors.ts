// The mixing distributions of the two one-sided tests. Any prior keeps the error rates (the
// mixture ratio is a martingale under the null whatever it is); it only decides which changes are
// caught fastest. Regression: mass around 2× (the regression that matters). Verified: mass around
// 1× (a fix brings the rate back). Tuned on the benchmark grid.

import type { GammaPrior } from "./mixture.js";

const fromEnv = (name: string, fallback: GammaPrior): GammaPrior => {
  const v = process.env[name];
  if (!v) return fallback;
  const [shape, rate] = v.split(",").map(Number);
  return { shape: shape ?? fallback.shape, rate: rate ?? fallback.rate };
};

export const REGRESSION_PRIOR: GammaPrior = fromEnv("FB_REG_PRIOR", { shape: 6, rate: 3 });
export const VERIFIED_PRIOR: GammaPrior = fromEnv("FB_VER_PRIOR", { shape: 8, rate: 8 });

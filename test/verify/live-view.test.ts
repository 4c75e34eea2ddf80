import { describe, expect, it } from "vitest";
import { clipLine } from "../../src/verify/live-view.js";

describe("clipLine", () => {
  const line = "  error rate: VERIFIED 260/min → 0/min (11% → 0% of requests); ×0.00 [0.00–0.04]; evidence: regression 0%, verified 100%";

  it("drops whole parts from the end so no figure is cut mid-number", () => {
    const clipped = clipLine(line, 79);
    expect(clipped.length).toBeLessThanOrEqual(79);
    expect(clipped).toBe("  error rate: VERIFIED 260/min → 0/min (11% → 0% of requests); …");
    expect(clipLine(line, 100)).toBe("  error rate: VERIFIED 260/min → 0/min (11% → 0% of requests); ×0.00 [0.00–0.04]; …");
    expect(clipLine(line, 118)).not.toContain("verified 10");
  });

  it("leaves a line that fits alone, and cuts only a first part that is too long by itself", () => {
    expect(clipLine(line, 200)).toBe(line);
    expect(clipLine("x".repeat(50), 20)).toBe("x".repeat(19) + "…");
  });
});

// Declares one test per kill point the journal listed for a subject (see kill-matrix.ts).

import { afterAll, describe, it } from "vitest";
import { report } from "./figures.js";
import { POINTS, prepare, type Subject } from "./kill-matrix.js";

export async function killMatrix(subject: Subject): Promise<void> {
  const m = await prepare(subject);
  describe(subject.group, () => {
    afterAll(() => m.cleanup());
    it("the journal lists kill points", () => {
      if (m.found.keys.length === 0) throw new Error(`a clean run of firebreak ${subject.command.join(" ")} journaled no effect`);
    });
    it.each(m.found.keys.flatMap((key) => POINTS.map((point) => [key, point] as const)))(
      "killed at %s %s, then run again",
      async (key, point) => {
        report(await m.killAt(key, point));
      },
    );
  });
}

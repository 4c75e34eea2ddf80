// The .firebreak.yml sections that verify reads. Loose until verify gives them their shape, so
// files written today keep loading.

import * as z from "zod";

export const verifySections = {
  verify: z.looseObject({}).prefault({}),
};

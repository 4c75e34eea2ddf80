// The .firebreak.yml sections that ship reads. Loose until ship gives them their shape, so
// files written today keep loading.

import * as z from "zod";

export const shipSections = {
  deploy: z.looseObject({}).prefault({}),
};

// The .firebreak.yml sections that notify reads. Loose until notify gives them their shape, so
// files written today keep loading.

import * as z from "zod";

export const notifySections = {
  notify: z.looseObject({}).prefault({}),
};

// kill -9 at every effect of announce (each channel, each e-mail batch) and followups (each
// follow-up, the resolution comment).

import { killMatrix } from "./matrix.js";
import { announce, followups } from "./subjects.js";

await killMatrix(announce("identified"));
await killMatrix(announce("resolved", ["investigating"]));
await killMatrix(followups);

// kill -9 at every effect ship journals (merge, tag, push, the deploy, each announcement), at both
// crash points; then ship again until it completes. See kill-matrix.ts.

import { killMatrix } from "./matrix.js";
import { ship } from "./subjects.js";

await killMatrix(ship);

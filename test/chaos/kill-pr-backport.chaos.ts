// kill -9 at every effect of pr (push, open, update) and backport (each target's push and PR).

import { killMatrix } from "./matrix.js";
import { backport, pr, prUpdate } from "./subjects.js";

await killMatrix(pr);
await killMatrix(prUpdate);
await killMatrix(backport);

// kill -9 at every effect of commit, pr (push, open, update) and backport (each target's push and PR).

import { killMatrix } from "./matrix.js";
import { backport, commit, pr, prUpdate } from "./subjects.js";

await killMatrix(commit);
await killMatrix(pr);
await killMatrix(prUpdate);
await killMatrix(backport);

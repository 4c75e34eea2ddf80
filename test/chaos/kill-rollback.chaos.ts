// kill -9 at every effect of each rollback strategy (revert, previous version, feature flag).

import { killMatrix } from "./matrix.js";
import { rollback } from "./subjects.js";

await killMatrix(rollback("revert"));
await killMatrix(rollback("previous"));
await killMatrix(rollback("flag"));

// kill -9 at every effect ship journals while the team server is down and the person said why
// (--offline --reason): the steps go to the offline record and its journal, and a re-run still
// merges, tags and deploys once. See kill-matrix.ts; the upload's own kills are in
// test/server/cli-offline.test.ts and test/server/ship-offline.test.ts.

import { killMatrix } from "./matrix.js";
import { shipOffline } from "./subjects.js";

await killMatrix(shipOffline);

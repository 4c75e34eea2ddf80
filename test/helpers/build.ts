// vitest global setup: the CLI tests run the bundled binary, so build it once before any test.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}

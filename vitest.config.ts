import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/build.ts"],
    // A safety net, not a speed check (speed belongs in the benchmarks): the end-to-end tests run
    // the CLI several times around git, deploys and watches, and this machine is shared and loaded.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Tests spawn git and the CLI; two cores are all this machine has.
    maxWorkers: 2,
  },
});

import { defineConfig } from "vitest/config";

// `npm run test:chaos`: kill -9 at every journaled effect, deploys that outlive Firebreak, canary
// secrets, racing runs and signals. Kept out of the default suite (test/**/*.test.ts) because it
// runs the CLI a few hundred times; it prints one table of figures at the end (test/chaos/table.ts).
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos.ts"],
    globalSetup: ["test/helpers/build.ts", "test/chaos/table.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    maxWorkers: 2,
  },
});

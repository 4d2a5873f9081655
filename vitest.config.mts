import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "sdks/*/test/**/*.test.ts"],
    environment: "node",
    // Each test file gets its own module registry, so Pulumi's runtime state
    // (mocks, config) never leaks between files.
    isolate: true,
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

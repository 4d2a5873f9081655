import { resolve } from "node:path";
import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Test files that change process-wide things on purpose and so get a fresh
 * process each: the SDK tests reload packages from the require cache and spy
 * on the Pulumi runtime, and the safety plans patch sockets, fetch, child
 * processes and file writes to prove a render never reaches outside (which
 * only means something if the modules load under that lockdown), and the
 * deferred-modules test reads the module cache a render leaves behind.
 */
const ISOLATED = ["test/sdks/**/*.test.ts", "sdks/*/test/**/*.test.ts", "test/safety/plans.test.ts", "test/foundation/defer-modules.test.ts"];

export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    // Vitest's default is cores - 1: one worker on a 2-core machine. The main
    // process is mostly idle while tests run, so use every core (at least two).
    // 2 workers: 110 s → 36 s for the whole suite on the 2-core box (bench/results.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    // Every render that reads config files reads the example fixtures, never
    // the user's root Pulumi*.yaml (core/render/project-files.ts configDir).
    env: { HOMELAB_CONFIG_DIR: resolve("test/fixtures/config") },
    hookTimeout: 30_000,
    // fast-check properties run with one fixed seed (FC_SEED overrides it).
    // The render's deferral of @pulumi/pulumi's unused dependencies (the
    // TypeScript compiler, Arborist) applies in the test processes too.
    setupFiles: ["core/render/defer-modules.ts", "test/helpers/fast-check-seed.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          // Files in one worker share its module registry, so @pulumi/pulumi and
          // the provider SDKs load once per worker instead of once per file
          // (import time 38 s → 4 s summed over files). Safe because Pulumi's
          // runtime state is reset by every render: the harness calls setMocks
          // and setAllConfig first, runs one render at a time per process, and
          // undoes its own patches; spies are restored by the files that set them.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "isolated", include: ISOLATED, isolate: true },
      },
    ],
  },
});

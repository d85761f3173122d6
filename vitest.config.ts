import { defineConfig } from "vitest/config";

// Tests run on the TypeScript sources through the "@hwsync/source" export condition,
// so no build step is needed except for the end-to-end project, which spawns built binaries.
export default defineConfig({
  resolve: { conditions: ["@hwsync/source"] },
  ssr: { resolve: { conditions: ["@hwsync/source"] } },
  test: {
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/*.e2e.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});

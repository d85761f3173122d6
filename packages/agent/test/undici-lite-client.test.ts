import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { vi } from "vitest";

// Shared's ApiClient tests once more, with `undici` resolved to the agent's node:http shim as
// scripts/lib/agent-bundle.ts resolves it in the binary: everything the client does (caps,
// redirects, budgets, Retry-After, multipart, exact bytes) must work through the shim too.
vi.mock("undici", () => import("../src/undici-lite.ts"));

// Shared does not export its tests: find them through its package folder.
const sharedDir = dirname(createRequire(import.meta.url).resolve("@hwsync/shared/package.json"));
for (const file of ["client.test.ts", "client-answers.test.ts", "client-retry.test.ts"]) {
  await import(join(sharedDir, "test", file));
}

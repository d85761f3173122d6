#!/usr/bin/env node
import { existsSync } from "node:fs";
import module from "node:module";

// The compile cache lets later starts skip parsing the bundle (Node ≥ 22.1; guarded for older).
module.enableCompileCache?.();
const bundle = new URL("../dist/maas.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "maas: dist/maas.js is missing. Build it first: npm run build (in the repository root)\n",
  );
  process.exit(70);
}
const { main } = await import(bundle.href);
await main();

#!/usr/bin/env node
// Runs the bundled region (npm run build). The compile cache makes later starts faster.
import module from "node:module";

module.enableCompileCache?.();
const { run } = await import("../dist/maas-region.js");
await run();

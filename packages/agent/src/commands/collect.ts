import { canonicalJson } from "@hwsync/shared/wire/push";
import { assertCollectableRoot, collectInventory } from "../collect.ts";
import type { CommandContext } from "./context.ts";

export interface CollectCommandOptions {
  pretty?: boolean;
  /** Directory standing for `/`, to inspect a copied or fixture tree. */
  root?: string;
}

/**
 * Prints the payload `run` would send. Without --pretty the output is byte for byte the body
 * `run` hashes, so `collect | sha256sum` reproduces the content hash.
 */
export async function collectCommand(ctx: CommandContext, options: CollectCommandOptions): Promise<void> {
  assertCollectableRoot(options.root);
  const { payload } = await collectInventory({ root: options.root, log: ctx.log });
  ctx.stdout(options.pretty ? `${JSON.stringify(payload, null, 2)}\n` : canonicalJson(payload));
}

import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";

// The browser code imports shared's pure modules by subpath ("@hwsync/shared/time-span"). Loading
// the modules through a Vite server built from our own config resolves them exactly as the bundle does.
const webRoot = fileURLToPath(new URL("../..", import.meta.url));

let server: ViteDevServer | undefined;

/** Imports `path` (relative to packages/web, e.g. "src/format.ts") with the UI's own resolution. */
export async function loadWebModule<T>(path: string): Promise<T> {
  server ??= await createServer({
    configFile: `${webRoot}vite.config.ts`,
    logLevel: "error",
    appType: "custom",
    server: { middlewareMode: true, hmr: false, watch: null },
  });
  return (await server.ssrLoadModule(`/${path}`)) as T;
}

export async function closeWebModules(): Promise<void> {
  await server?.close();
  server = undefined;
}

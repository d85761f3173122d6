import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defaultServerConditions, defineConfig } from "vite";

// Only the pure modules of @hwsync/shared go into the browser bundle (its index also exports the
// undici client and node:crypto helpers): the UI imports them by subpath ("@hwsync/shared/errors"),
// which shared's package.json exports resolve to the TypeScript sources under "@hwsync/source".
const conditions = ["@hwsync/source"];

// Where `npm run dev -w @hwsync/web` forwards API and WebSocket calls.
const region = process.env.HWSYNC_REGION_URL ?? "http://127.0.0.1:5240";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/MAAS/r/",
  plugins: [react()],
  resolve: { conditions: [...conditions, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [...conditions, ...defaultServerConditions] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    proxy: {
      "/MAAS/api": region,
      "/MAAS/accounts": region,
      "/MAAS/ws": { target: region, ws: true },
    },
  },
});

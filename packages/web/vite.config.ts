import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Only the pure modules of @hwsync/shared go into the browser bundle: its index also exports the
// undici client and node:crypto helpers. Keep this list in step with tsconfig.json "paths".
const sharedModule = (file: string) => fileURLToPath(new URL(`../shared/src/${file}`, import.meta.url));

// Where `npm run dev -w @hwsync/web` forwards API and WebSocket calls.
const region = process.env.HWSYNC_REGION_URL ?? "http://127.0.0.1:5240";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/MAAS/r/",
  plugins: [react()],
  resolve: {
    alias: {
      "@hwsync/shared/time-span": sharedModule("time-span.ts"),
      "@hwsync/shared/sync-health": sharedModule("sync-health.ts"),
      "@hwsync/shared/errors": sharedModule("errors.ts"),
    },
  },
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

import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { build } from "vite";

const webRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Debian's chromium; CI installs it (scripts/install-system-deps.sh). Override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM_PATH);

// No GPU, no sandbox (we run as root in CI) and nothing that phones home.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Builds the UI exactly as `npm run build` does, into `outDir` so a dev's dist/ is left alone. */
export async function buildWebUi(outDir: string): Promise<void> {
  await build({
    configFile: `${webRoot}vite.config.ts`,
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
}

/** Where the run's screenshots go (gitignored): one PNG per page and state, for review. */
export const SCREENSHOT_DIR = `${webRoot}test-results/screenshots`;

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** Collects uncaught page errors and failed console messages so a test can assert there were none. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // The login page's first probe of /MAAS/ws is refused by design (no cookie yet).
    if (message.type() === "error" && !/\/MAAS\/ws|401 \(Unauthorized\)/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}

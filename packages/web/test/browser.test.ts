import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildApp,
  createAdmin,
  createMachine,
  type Db,
  defaultRegionConfig,
  machineToken,
  openDatabase,
} from "@hwsync/region";
import {
  ApiClient,
  CONTENT_HASH_HEADER,
  canonicalJson,
  contentHash,
  HARDWARE_SYNC_PATH,
} from "@hwsync/shared";
import { fixture } from "@hwsync/testkit/fixtures";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildWebUi, hasChromium, launchChromium, screenshot, watchPageErrors } from "./support/browser.ts";

// One story, in order, as a person would use the UI against a real region (PGlite in memory):
// log in → deploy with "Periodically sync hardware" → the machine pushes → last sync and health
// change live → settings refuse an invalid interval and save a valid one → release → log out.
// Waits are for conditions (bounded by playwright's timeouts), never for fixed delays.

// The region's clock runs an hour behind until the first push. A deploy no longer stamps
// last_sync (MAAS does when deployment ends): the machine awaits its first sync, whatever the
// clock says, until the push visibly turns it healthy. Real time afterwards, so the browser's
// relative times agree.
let regionLagMs = 3600_000;
const regionClock = { now: () => new Date(Date.now() - regionLagMs) };

const ADMIN = { username: "admin", password: "correct horse battery staple" };
const payload: Record<string, any> = fixture("machine-resources-x86.json");

let distDir: string;
let db: Db;
let app: FastifyInstance;
let base: string;
let systemId: string;
let browser: Browser;
let page: Page;
let pageErrors: string[];

/** What the agent does: POST the canonical JSON with its hash, signed with the machine's token. */
async function push(body: unknown): Promise<void> {
  const token = await machineToken(db, systemId);
  if (!token) throw new Error(`machine ${systemId} has no token: was it deployed with hardware sync?`);
  const client = new ApiClient({ url: `${base}/MAAS`, credentials: { ...token, consumerSecret: "" } });
  const text = canonicalJson(body);
  const response = await client.request({
    method: "POST",
    path: HARDWARE_SYNC_PATH,
    body: text,
    headers: { "content-type": "application/json", [CONTENT_HASH_HEADER]: contentHash(text) },
  });
  expect(response.status).toBe(200);
}

const row = () => page.locator(`tr[data-system-id="${systemId}"]`);
const field = (name: string) => page.locator(`[data-field="${name}"]`);

describe.skipIf(!hasChromium)("the web UI in Chromium against a region", () => {
  beforeAll(async () => {
    distDir = await mkdtemp(join(tmpdir(), "hwsync-web-dist-"));
    await buildWebUi(distDir);
    db = await openDatabase({ dataDir: "memory://" });
    await createAdmin(db, ADMIN);
    const machine = await createMachine(
      db,
      { hostname: "web-07", architecture: "amd64/generic", macAddresses: ["52:54:00:12:34:56"] },
      regionClock,
    );
    systemId = machine.systemId;
    // The region serves the UI itself (config.webDistDir); the test builds the app to inject its clock.
    app = await buildApp({
      db,
      clock: regionClock,
      config: defaultRegionConfig({ deployImmediately: true, webDistDir: distDir }),
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 }, colorScheme: "light" });
    pageErrors = watchPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
    if (distDir) await rm(distDir, { recursive: true, force: true });
  });

  test("an anonymous visit shows the login form and a wrong password is refused", async () => {
    await page.goto(`${base}/MAAS/r/`);
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong username or password.");
    await screenshot(page, "01-login-refused");
  });

  test("logging in shows the machine list with hardware sync off", async () => {
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await row().waitFor();
    expect(await row().locator("th").textContent()).toBe("web-07");
    expect(await row().locator('[data-field="status"]').textContent()).toBe("Ready");
    expect(await row().locator('[data-field="hw-sync"]').textContent()).toBe("Off");
    await screenshot(page, "02-machines");
  });

  test("the deploy dialog opens from the keyboard and Escape returns focus to its button", async () => {
    const opener = page.getByRole("button", { name: "Deploy web-07…" });
    await opener.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Deploy web-07" });
    await dialog.waitFor();
    expect(await dialog.evaluate((node) => node.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await opener.evaluate((node) => node === document.activeElement)).toBe(true);
  });

  test("the deploy dialog validates the interval and deploys with enable_hw_sync", async () => {
    await page.getByRole("button", { name: "Deploy web-07…" }).click();
    const dialog = page.getByRole("dialog", { name: "Deploy web-07" });
    await dialog.getByLabel("Periodically sync hardware").check();
    await dialog.getByLabel("Sync interval (optional)").fill("10 parsecs");
    await expect
      .poll(() => dialog.getByRole("alert").textContent())
      .toMatch(/^'10 parsecs' is not a valid interval/);
    expect(await dialog.getByRole("button", { name: "Deploy machine" }).isDisabled()).toBe(true);
    await dialog.getByLabel("Sync interval (optional)").fill("10m");
    await screenshot(page, "03-deploy-dialog");
    await dialog.getByRole("button", { name: "Deploy machine" }).click();
    await row().locator('[data-field="status"]', { hasText: "Deployed" }).waitFor();
    expect(await row().locator('[data-field="hw-sync"]').textContent()).toBe("On");
    expect(await row().locator('[data-field="last-sync"]').textContent()).toBe("Never");
    expect(await row().locator('[data-field="health"]').textContent()).toContain("Awaiting first sync");
    await screenshot(page, "04-deployed");
  });

  test("the unhealthy filter lists the machine awaiting its first sync", async () => {
    await page.getByLabel(/Only unhealthy syncs/).check();
    expect(new URL(page.url()).search).toBe("?unhealthy=1");
    await row().waitFor();
    await screenshot(page, "05-unhealthy-filter");
    await page.getByLabel(/Only unhealthy syncs/).uncheck();
  });

  test("a push updates last sync, health and hardware on the open machine page live", async () => {
    await row().getByRole("link", { name: "web-07" }).click();
    await field("health").getByText("Awaiting first sync").waitFor();
    expect(await field("interval").textContent()).toBe("10 min (600 s)");
    expect(await page.getByRole("table", { name: /Disks/ }).textContent()).toContain("None reported.");
    await screenshot(page, "06-machine-before-sync");

    regionLagMs = 0;
    await push(payload);
    await field("health").getByText("Healthy").waitFor();
    expect(await field("last-sync").locator("time").textContent()).toBe("just now");
    const lastSync = Date.parse(String(await field("last-sync").locator("time").getAttribute("datetime")));
    const nextSync = Date.parse(String(await field("next-sync").locator("time").getAttribute("datetime")));
    expect(nextSync - lastSync).toBe(600_000);
    await page.getByRole("table", { name: /Disks/ }).getByRole("rowheader", { name: "sdb" }).waitFor();

    // The disk sdb disappears: a second entry in the history and a second bar in the chart.
    const withoutSdb = structuredClone(payload);
    withoutSdb.resources.storage.disks = withoutSdb.resources.storage.disks.filter(
      (disk: { id: string }) => disk.id !== "sdb",
    );
    await push(withoutSdb);
    await page.locator(".history .change-removed", { hasText: "sdb" }).waitFor();
    expect(await page.locator(".timeline svg g[data-sync-id]").count()).toBe(2);
    await screenshot(page, "07-machine-after-sync");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "07-machine-after-sync-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("the unhealthy filter is empty once the machine is healthy", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Machines" }).click();
    await page.getByLabel(/Only unhealthy syncs/).check();
    await page.getByText("Every machine with hardware sync is healthy.").waitFor();
    expect(await row().count()).toBe(0);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByLabel(/Only unhealthy syncs/).uncheck();
    await screenshot(page, "08-machines-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("settings refuse an invalid interval before saving and save a valid one", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    const input = page.getByLabel("Hardware sync interval");
    await expect.poll(() => input.inputValue()).toBe("15m");
    await input.fill("1 year");
    await expect
      .poll(() => field("interval-error").textContent())
      .toBe(
        "'1 year' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds' are valid units (e.g. 15m, 1h30m, 90s).",
      );
    expect(await page.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await screenshot(page, "09-settings-invalid");
    await input.fill("30m");
    expect(await field("interval-preview").textContent()).toBe(
      "Every 30 min · timer OnCalendar=*-*-* *:00/30:00",
    );
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => field("save-status").textContent()).toMatch(/^Saved\. /);
    await screenshot(page, "10-settings-saved");
    // A fresh page reads the value back from the region (config.list), not from React state.
    await page.reload();
    await expect.poll(() => page.getByLabel("Hardware sync interval").inputValue()).toBe("30m");
  });

  test("releasing from the machine page turns hardware sync off", async () => {
    await page.goto(`${base}/MAAS/r/machine/${systemId}`);
    await page.getByRole("button", { name: "Release…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Release machine" }).click();
    await field("status").getByText("Ready").waitFor();
    expect(await field("hw-sync").textContent()).toBe("Off");
    expect(await field("health").textContent()).toContain("Off");
  });

  test("logging out returns to the login form", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

// The main job. `npm start`: build what is needed, start the region on PGlite at 127.0.0.1:5240
// (data under ./.data/region), create the admin and a demo machine when the database is empty,
// log the CLI in as profile `local`, print what to try next, and serve until Ctrl-C.
// `npm start -- --demo` (= `npm run demo`): the whole hardware-sync story, unattended; exits 0.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "@hwsync/testkit/process";
import { runDemo } from "./lib/demo.ts";

const ROOT = resolve(import.meta.dirname, "..");

const { values } = parseArgs({
  options: {
    demo: { type: "boolean", default: false },
    "keep-running": { type: "boolean", default: false },
    port: { type: "string" },
    "data-dir": { type: "string" },
    "skip-build": { type: "boolean", default: false },
  },
});

if (!values["skip-build"]) {
  const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.ts")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Loaded after the build: the region runs from its sources under Node 24 (type stripping).
const region = await import("@hwsync/region");

const demo = values.demo === true;
// The demo keeps its own data and port so it never collides with a region already running.
const dataDir = resolve(values["data-dir"] ?? join(ROOT, ".data", demo ? "demo-region" : "region"));
const port = Number(values.port ?? (demo ? 0 : 5240));
mkdirSync(dataDir, { recursive: true });

const secretsFile = join(dataDir, "..", demo ? "demo-admin.json" : "admin.json");
const db = await region.openDatabase({ dataDir });
let admin: { username: string; password: string };
if (existsSync(secretsFile)) admin = JSON.parse(readFileSync(secretsFile, "utf8"));
else {
  admin = { username: "admin", password: randomBytes(9).toString("base64url") };
  writeFileSync(secretsFile, JSON.stringify(admin), { mode: 0o600 });
}
const existing = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
if (existing.rows[0]!.n === 0) await region.createAdmin(db, { ...admin, email: "admin@localhost" });
const apiKey = await region.getOrCreateApiKey(db, admin.username);

// The demo machine carries this host's own MAC, so the first sync matches its boot interface.
const hostMac =
  Object.values(networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.mac !== "00:00:00:00:00:00")?.mac ??
  "52:54:00:12:34:56";
const machines = await db.query<{ system_id: string; hostname: string }>(
  "SELECT system_id, hostname FROM machines ORDER BY id",
);
let demoMachine = machines.rows[0];
if (!demoMachine) {
  const row = await region.createMachine(
    db,
    { hostname: "demo-01", macAddresses: [hostMac] },
    region.systemClock,
  );
  demoMachine = { system_id: row.systemId, hostname: row.hostname };
}

let running: Awaited<ReturnType<typeof region.startRegion>>;
try {
  running = await region.startRegion({ db, host: "127.0.0.1", port });
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `error: 127.0.0.1:${port} is in use. Is a region already running? Stop it or pass --port N.\n`
      : `error: the region did not start: ${(error as Error).message}\n`,
  );
  await db.close();
  process.exit(1);
}

const profile = demo ? "demo" : "local";
const configDir = demo ? join(ROOT, ".data", "demo-cli") : undefined;
const login = await runCli(["login", profile, `${running.url}/`, "-"], {
  configDir,
  input: `${apiKey}\n`,
});
if (login.code !== 0) {
  process.stderr.write(`error: maas login failed:\n${login.stderr}`);
  await running.close();
  await db.close();
  process.exit(1);
}

let exitCode = 0;
if (demo) {
  try {
    await runDemo({ url: running.url, profile, configDir, systemId: demoMachine.system_id, apiKey });
  } catch (error) {
    process.stderr.write(`\ndemo failed: ${(error as Error).message}\n`);
    exitCode = 1;
  }
  if (!values["keep-running"]) {
    await running.close();
    await db.close();
    process.exit(exitCode);
  }
}

const maas = "npx maas";
process.stdout.write(`
The region is running at ${running.url}/ (PGlite data in ${dataDir}).
  admin login (web UI ${running.url}/r/): ${admin.username} / ${admin.password}
  the CLI is logged in as profile '${profile}' with the admin's API key.

Try next (in another terminal, from ${ROOT}):
  ${maas} ${profile} machines read
  ${maas} ${profile} machine deploy ${demoMachine.system_id} --enable-hw-sync --sync-interval 15m
  ${maas} ${profile} machine get-token ${demoMachine.system_id}
  ${maas} ${profile} machine vendor-data ${demoMachine.system_id}        # the units + credentials the machine gets
  ./dist/agent/maas-hw-sync-linux-x64 collect --pretty                 # what this machine reports
  ./dist/agent/maas-hw-sync-linux-x64 run --config CREDS.yml --state-dir .data/agent
  ${maas} ${profile} machine read ${demoMachine.system_id}
  ${maas} ${profile} machine hardware ${demoMachine.system_id}
  npm run demo                                                        # the whole story, unattended

Press Ctrl-C to stop.
`);

const stop = async () => {
  await running.close();
  await db.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

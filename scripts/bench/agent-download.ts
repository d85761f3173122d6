import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ApiCredentials, buildAuthorizationHeader } from "@hwsync/shared";
import { request } from "undici";
import { parse } from "yaml";
import { startByteProxy } from "./lib/byte-proxy.ts";
import type { RegionProcess } from "./lib/region.ts";
import { mb, mib, ms, type Table, type Target } from "./lib/report.ts";

// What a machine downloads: `GET /MAAS/hardware-sync/amd64` as different clients ask for it,
// then the vendor-data's own fetch script (curl) run twice through a byte-counting relay: the
// first tick installs the agent, the second finds it unchanged.

const execFileAsync = promisify(execFile);
/** What curl 7.88 (Debian 12) sends for `--compressed`. */
const CURL_ACCEPT = "deflate, gzip, br, zstd";
const FETCH_SCRIPT_PATH = "/usr/local/lib/maas-hw-sync/fetch-agent";

interface Download {
  status: number;
  encoding: string;
  bytes: number;
  ms: number;
  etag: string;
}

async function get(origin: string, headers: Record<string, string>): Promise<Download> {
  const started = performance.now();
  const response = await request(`${origin}/MAAS/hardware-sync/amd64`, { headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    encoding: String(response.headers["content-encoding"] ?? "identity"),
    bytes: body.length,
    ms: performance.now() - started,
    etag: String(response.headers.etag ?? ""),
  };
}

/** The fetch script exactly as a hw-sync deploy writes it on the machine. */
async function fetchScript(region: RegionProcess, admin: ApiCredentials, systemId: string): Promise<string> {
  const response = await request(`${region.url}/api/2.0/machines/${systemId}/?op=vendor_data`, {
    headers: { authorization: buildAuthorizationHeader(admin) },
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`vendor_data: ${response.statusCode} ${text}`);
  const cloudConfig = parse(parse(text)["cloud-init"]) as {
    write_files: Array<{ path: string; content: string }>;
  };
  const file = cloudConfig.write_files.find((entry) => entry.path === FETCH_SCRIPT_PATH);
  if (!file) throw new Error(`the vendor-data has no ${FETCH_SCRIPT_PATH}`);
  return file.content;
}

export async function agentDownloads(
  region: RegionProcess,
  options: { binary: string; admin: ApiCredentials; systemId: string; work: string; waitForZstdMs?: number },
): Promise<{ table: Table; targets: Target[]; data: Record<string, unknown> }> {
  const size = statSync(options.binary).size;
  const rows: Array<Array<string | number>> = [];
  const data: Record<string, unknown> = { size };

  // A region that has no zstd copy yet answers gzip and prepares it; the build normally made it.
  let curl = await get(region.origin, { "accept-encoding": CURL_ACCEPT });
  const firstAnswer = curl.encoding;
  const deadline = performance.now() + (options.waitForZstdMs ?? 240_000);
  while (curl.encoding !== "zstd" && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    curl = await get(region.origin, { "accept-encoding": CURL_ACCEPT });
  }
  const gzip = await get(region.origin, { "accept-encoding": "gzip" });
  const identity = await get(region.origin, { "accept-encoding": "identity" });
  const conditional = await get(region.origin, {
    "accept-encoding": CURL_ACCEPT,
    "if-none-match": curl.etag,
  });
  const cases: Array<[string, Download]> = [
    ["Accept-Encoding: identity", identity],
    ["Accept-Encoding: gzip", gzip],
    [`Accept-Encoding: ${CURL_ACCEPT} (curl --compressed)`, curl],
    ["same, If-None-Match: <etag> (timer tick)", conditional],
  ];
  for (const [name, download] of cases) {
    rows.push([
      name,
      download.status,
      download.encoding,
      mib(download.bytes),
      mb(download.bytes),
      ms(download.ms),
    ]);
  }
  data.gets = Object.fromEntries(cases);
  data.firstAnswerForCurl = firstAnswer;

  // The real thing: the deployed machine's fetch script, through a relay that counts bytes.
  const proxy = await startByteProxy(region.origin);
  const script = join(options.work, "fetch-agent");
  const dest = join(options.work, "maas-hw-sync");
  writeFileSync(script, await fetchScript(region, options.admin, options.systemId), { mode: 0o755 });
  const tick = async () => {
    proxy.reset();
    const started = performance.now();
    await execFileAsync("sh", [script, `${proxy.origin}/MAAS`], {
      env: { ...process.env, MAAS_HWSYNC_AGENT: dest },
    });
    return { bytes: proxy.bytesToClient(), ms: performance.now() - started };
  };
  let install: { bytes: number; ms: number };
  let again: { bytes: number; ms: number };
  try {
    install = await tick();
    const same =
      createHash("sha256").update(readFileSync(dest)).digest("hex") ===
      createHash("sha256").update(readFileSync(options.binary)).digest("hex");
    if (!same) throw new Error("the fetch script installed a file that differs from the binary");
    again = await tick();
  } finally {
    await proxy.close();
  }
  rows.push(
    [
      "fetch-agent (vendor-data script, curl): first tick",
      200,
      curl.encoding,
      mib(install.bytes),
      mb(install.bytes),
      ms(install.ms),
    ],
    [
      "fetch-agent: next tick, agent unchanged (headers only)",
      304,
      "—",
      `${again.bytes} B`,
      `${again.bytes} B`,
      ms(again.ms),
    ],
  );
  data.fetchScript = { install, again };
  const targets: Target[] = [
    {
      name: "download ≤ 30 MB (what the fetch script's curl receives)",
      measured: mb(install.bytes),
      met: install.bytes <= 30e6,
      note: `${curl.encoding}; gzip would be ${mb(gzip.bytes)}`,
    },
    {
      name: "0 body bytes on a timer tick when unchanged (304)",
      measured: `${conditional.status}, ${conditional.bytes} B body; ${again.bytes} B on the wire with headers`,
      met: conditional.status === 304 && conditional.bytes === 0 && again.bytes < 1024,
    },
  ];
  if (firstAnswer !== "zstd") {
    targets[0]!.note += `; the first answer was ${firstAnswer} (no zstd copy yet: npm run build:agent makes one)`;
  }
  return {
    table: {
      title: `Agent download (binary ${mib(size)})`,
      columns: ["request", "status", "encoding", "bytes", "MB", "time"],
      rows,
    },
    targets,
    data,
  };
}

// The built agent binary against a region it must not trust: a body that never ends (its peak
// RSS is measured), a body that trickles forever, a 200 HTML page, a redirect to another host,
// Retry-After inside and beyond the budget, and a 401 page echoing the credentials. The fake
// region runs in this process on 127.0.0.1; the agent reads this machine's hardware.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMachineCredentials } from "@hwsync/shared";
import { BUILT } from "@hwsync/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  answer,
  type Behaviour,
  type HostileRegion,
  HTML_PAGE,
  pushAnswer,
  startHostileRegion,
  streamBody,
  trickleBody,
} from "../../packages/agent/test/fixtures/hostile-region.ts";

const TOKEN = {
  consumerKey: "HostileConsumer123",
  tokenKey: "HostileTokenKey123",
  tokenSecret: "HostileTokenSecret1234567890abcd",
};
const TIME = "/usr/bin/time";

let work: string;
let servers: HostileRegion[] = [];
let runs = 0;

beforeAll(() => {
  if (!existsSync(BUILT.agent)) {
    throw new Error(`${BUILT.agent} is missing: build it first with \`npm run build:agent\``);
  }
  work = mkdtempSync(join(tmpdir(), "hwsync-hostile-binary-"));
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function hostile(behaviour: Behaviour): Promise<HostileRegion> {
  const server = await startHostileRegion(behaviour);
  servers.push(server);
  return server;
}

interface AgentRun {
  code: number | null;
  stderr: string;
  ms: number;
  /** Peak resident set size of the agent process, MiB (GNU time's %M, else /proc VmHWM). */
  peakRssMiB: number;
  stateDir: string;
}

/** Runs the binary like the timer does; asynchronous, since the region answers from this process. */
function runAgent(url: string, budget: string): Promise<AgentRun> {
  runs += 1;
  const config = join(work, `creds-${runs}.yml`);
  writeFileSync(
    config,
    renderMachineCredentials({ ...TOKEN, endpoint: `${url}/MAAS/metadata/status/abc123` }),
    { mode: 0o600 },
  );
  const stateDir = join(work, `state-${runs}`);
  const rssFile = join(work, `rss-${runs}`);
  const args = ["run", "--config", config, "--state-dir", stateDir, "--budget", budget];
  const timed = existsSync(TIME);
  const started = Date.now();
  const child = timed
    ? spawn(TIME, ["-f", "%M", "-o", rssFile, BUILT.agent, ...args], { stdio: ["ignore", "ignore", "pipe"] })
    : spawn(BUILT.agent, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Without GNU time: the highest VmHWM seen while it runs.
  let hwmKiB = 0;
  const poll = timed
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
          if (match) hwmKiB = Math.max(hwmKiB, Number(match[1]));
        } catch {
          // Gone already.
        }
      }, 5);
  return new Promise((done) => {
    child.on("exit", (code) => {
      clearInterval(poll);
      const ms = Date.now() - started;
      const peakKiB = timed ? Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) : hwmKiB;
      done({ code, stderr, ms, peakRssMiB: Math.round(peakKiB / 102.4) / 10, stateDir });
    });
  });
}

const stateOf = (run: AgentRun) => JSON.parse(readFileSync(join(run.stateDir, "state.json"), "utf8"));
const spooled = (run: AgentRun) => existsSync(join(run.stateDir, "unsent-payload.json"));
const figures = (name: string, values: Record<string, unknown>) =>
  console.log(
    `[reliability] agent-hostile-region ${name}: ${Object.entries(values)
      .map(([key, value]) => `${key}=${value}`)
      .join(" ")}`,
  );

describe("the built agent against a hostile region", { timeout: 120_000 }, () => {
  test("a well-behaved region first: the baseline peak RSS of a run", async () => {
    const server = await hostile((request, res) =>
      answer(res, 200, pushAnswer(request), { "content-type": "application/json" }),
    );
    const run = await runAgent(server.url, "30s");
    expect(run.stderr).toMatch(/hardware synced/);
    expect(run.code).toBe(0);
    figures("baseline", { exit: run.code, ms: run.ms, peakRssMiB: run.peakRssMiB });
  });

  test("an endless body: cut at the 64 KiB cap at once, exit 2, payload kept, RSS stays flat", async () => {
    const server = await hostile((_request, res) => streamBody(res));
    const run = await runAgent(server.url, "60s");
    expect(run.stderr).toContain("error HWS_RESPONSE_TOO_LARGE:");
    expect(run.code).toBe(2);
    expect(run.ms).toBeLessThan(15_000);
    expect(spooled(run)).toBe(true);
    expect(stateOf(run)).toMatchObject({ result: "failed", exit_code: 2, last_success: null });
    // The agent's whole footprint is ~60 MiB; the cap keeps the body from adding to it.
    expect(run.peakRssMiB).toBeLessThan(150);
    figures("endless body", {
      exit: run.code,
      ms: run.ms,
      peakRssMiB: run.peakRssMiB,
      serverWroteMiB: (server.bytesSent / 1048576).toFixed(1),
    });
  });

  test("a body trickling forever ends with the --budget: exit 75, payload kept", async () => {
    const server = await hostile((_request, res) => trickleBody(res, 100));
    const run = await runAgent(server.url, "3s");
    expect(run.code).toBe(75);
    expect(run.ms).toBeLessThan(8_000);
    expect(spooled(run)).toBe(true);
    figures("trickle", { exit: run.code, ms: run.ms, peakRssMiB: run.peakRssMiB });
  });

  test("a 200 HTML page is not a sync: exit 2, HWS_UNEXPECTED_ANSWER, payload kept", async () => {
    const server = await hostile((_request, res) =>
      answer(res, 200, HTML_PAGE, { "content-type": "text/html" }),
    );
    const run = await runAgent(server.url, "30s");
    expect(run.stderr).toContain(
      "error HWS_UNEXPECTED_ANSWER: the region's answer to the hardware push is not a push result",
    );
    expect(run.code).toBe(2);
    expect(spooled(run)).toBe(true);
    expect(stateOf(run)).toMatchObject({ result: "failed", last_error: { code: "HWS_UNEXPECTED_ANSWER" } });
  });

  test("a 307 is refused naming its Location; the other host never hears from the agent", async () => {
    const elsewhere = await hostile((request, res) => answer(res, 200, pushAnswer(request)));
    const server = await hostile((_request, res) =>
      answer(res, 307, "", { location: `${elsewhere.url}/MAAS/metadata/2012-03-01/hardware-sync` }),
    );
    const run = await runAgent(server.url, "30s");
    expect(run.stderr).toContain("error HWS_REDIRECT_REFUSED:");
    expect(run.stderr).toContain(`${elsewhere.url}/MAAS/metadata/2012-03-01/hardware-sync`);
    expect(run.code).toBe(2);
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(spooled(run)).toBe(true);
  });

  test("503 with Retry-After: 2 inside the budget: waits 2 s, then syncs", async () => {
    const server = await hostile((request, res, index) => {
      if (index === 0) return answer(res, 503, "Service Unavailable", { "retry-after": "2" });
      answer(res, 200, pushAnswer(request), { "content-type": "application/json" });
    });
    const run = await runAgent(server.url, "30s");
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1950);
    expect(run.stderr).toMatch(/the region asked to retry after 2 s; retrying/);
    figures("retry-after inside budget", { exit: run.code, gapMs: gap });
  });

  test("429 with Retry-After past the budget: exit 75 at once, saying when to retry", async () => {
    const server = await hostile((_request, res) =>
      answer(res, 429, "Too Many Requests", { "retry-after": "3600" }),
    );
    const run = await runAgent(server.url, "20s");
    expect(run.code).toBe(75);
    expect(run.ms).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
    expect(run.stderr).toMatch(
      /asked to retry after 3600 s \(at \d{4}-\d\d-\d\dT[\d:.]+Z\), past the 20s budget/,
    );
    expect(run.stderr).toMatch(/hint: .*can succeed from \d{4}-/);
    expect(spooled(run)).toBe(true);
    figures("retry-after past budget", { exit: run.code, ms: run.ms });
  });

  test("a 401 page echoing the credentials: exit 2, nothing spooled, no secret in stderr or state", async () => {
    const server = await hostile((request, res) =>
      answer(
        res,
        401,
        `Authorization Error: '${request.headers.authorization}' key=${TOKEN.consumerKey}:${TOKEN.tokenKey}:${TOKEN.tokenSecret}`,
      ),
    );
    const run = await runAgent(server.url, "30s");
    expect(run.code).toBe(2);
    expect(spooled(run)).toBe(false);
    const state = readFileSync(join(run.stateDir, "state.json"), "utf8");
    for (const secret of Object.values(TOKEN)) {
      expect(run.stderr).not.toContain(secret);
      expect(state).not.toContain(secret);
    }
  });
});

import { afterEach, beforeEach, expect } from "vitest";
import {
  API_KEY,
  type FakeRegion,
  type FakeRegionOptions,
  type RecordedRequest,
  startFakeRegion,
} from "./fake-region.ts";
import { type CliResult, type RunOptions, runCli, tempConfigDir } from "./run-cli.ts";

/** A fake region and a config dir logged in to it as `admin`, fresh for every test. */
export interface Session {
  region: FakeRegion;
  configDir: string;
  /** Runs `maas …` in-process with this session's config dir. */
  maas(argv: string[], options?: RunOptions): Promise<CliResult>;
  lastRequest(): RecordedRequest;
  /** Replaces the region with one started with other options, and logs in again. */
  restart(options: FakeRegionOptions): Promise<void>;
}

export function useLoggedInRegion(): Session {
  const session = {} as Session;
  const start = async (options: FakeRegionOptions = {}) => {
    session.region = await startFakeRegion(options);
    session.configDir = await tempConfigDir();
    const login = await runCli(["login", "admin", session.region.url, "-"], {
      configDir: session.configDir,
      stdin: `${API_KEY}\n`,
    });
    expect(login).toMatchObject({ code: 0, stdout: "" });
    session.region.requests.length = 0;
  };
  session.maas = (argv, options = {}) => runCli(argv, { configDir: session.configDir, ...options });
  session.lastRequest = () => session.region.requests.at(-1)!;
  session.restart = async (options) => {
    await session.region.close();
    await start(options);
  };
  beforeEach(() => start());
  afterEach(() => session.region.close());
  return session;
}

import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { type CliResult, makeConfigDir, type RunOptions, removeDir, runCli } from "./cli.ts";
import {
  API_KEY,
  type FakeRegion,
  type FakeRegionOptions,
  type RecordedRequest,
  startFakeRegion,
} from "./fake-region.ts";

/** A fake region and a config dir logged in to it as `admin`. */
export interface Session {
  region: FakeRegion;
  configDir: string;
  /** Runs `maas …` in-process with this session's config dir. */
  maas(argv: string[], options?: RunOptions): Promise<CliResult>;
  lastRequest(): RecordedRequest;
  /** Replaces the region with one started with other options, and logs in again. */
  restart(options: FakeRegionOptions): Promise<void>;
}

/** Fresh for every test, or (`per: "file"`) one for the whole file. */
export function useLoggedInRegion(options: { per?: "test" | "file" } = {}): Session {
  const session = {} as Session;
  const start = async (regionOptions: FakeRegionOptions = {}) => {
    session.region = await startFakeRegion(regionOptions);
    session.configDir = await makeConfigDir();
    const login = await runCli(["login", "admin", session.region.url, "-"], {
      configDir: session.configDir,
      stdin: `${API_KEY}\n`,
    });
    expect(login).toMatchObject({ code: 0, stdout: "" });
    session.region.requests.length = 0;
  };
  const stop = async () => {
    await session.region.close();
    await removeDir(session.configDir);
  };
  session.maas = (argv, runOptions = {}) => runCli(argv, { configDir: session.configDir, ...runOptions });
  session.lastRequest = () => session.region.requests.at(-1)!;
  session.restart = async (regionOptions) => {
    await stop();
    await start(regionOptions);
  };
  if (options.per === "file") {
    beforeAll(() => start());
    afterAll(stop);
  } else {
    beforeEach(() => start());
    afterEach(stop);
  }
  return session;
}

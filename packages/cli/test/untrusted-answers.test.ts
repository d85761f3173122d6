// `maas` against a server it cannot trust: the CLI sends through shared's ApiClient, which
// refuses redirects and honours Retry-After for the CLI as it does for the agent.
import {
  answer,
  answerJson,
  type ScriptedServer,
  startScriptedServer,
} from "@hwsync/testkit/scripted-server";
import { afterEach, expect, test } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { API_KEY, fixtureDescription } from "./helpers/fake-region.ts";

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test("a redirect is refused naming its Location: exit 1, and nothing follows it", async () => {
  const elsewhere = "http://198.51.100.7/MAAS/api/2.0/users/?op=whoami";
  server = await startScriptedServer((_request, res) => answer(res, 302, "", { location: elsewhere }));
  const result = await runCli(["login", "admin", `${server.url}/MAAS/`, API_KEY]);
  expect(result).toMatchObject({ code: 1, stdout: "" });
  expect(result.stderr).toMatch(
    /^error HWS_REDIRECT_REFUSED \[GET\] http:\/\/127\.0\.0\.1:\d+\/MAAS\/api\/2\.0\/users\/\?op=whoami: 302 Found, redirecting to http:\/\/198\.51\.100\.7\/MAAS\/api\/2\.0\/users\/\?op=whoami; /,
  );
  expect(server.requests).toHaveLength(1);
});

test("503 with Retry-After: 1 is retried after the pause the region names, and login succeeds", async () => {
  server = await startScriptedServer((request, res, index) => {
    if (index === 0)
      return answer(res, 503, "Unable to connect to any rack controller", { "retry-after": "1" });
    if (request.path.includes("op=whoami")) return answerJson(res, 200, { username: "admin" });
    answerJson(res, 200, fixtureDescription(true));
  });
  const result = await runCli(["login", "admin", `${server.url}/MAAS/`, API_KEY], {
    env: { MAAS_HWSYNC_RETRIES: "1" },
  });
  expect(result.code, result.stderr).toBe(0);
  expect(server.requests.map((request) => request.path)).toEqual([
    "/MAAS/api/2.0/users/?op=whoami",
    "/MAAS/api/2.0/users/?op=whoami",
    "/MAAS/api/2.0/describe/",
  ]);
  expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
});

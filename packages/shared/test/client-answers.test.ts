// What ApiClient makes of an answer it cannot trust, against a scripted server on 127.0.0.1:
// bodies capped per request, redirects refused, bodies read under the caller's signal and the
// budget, the region's own error code, multipart bodies and exact bytes.

import {
  answer,
  answerJson,
  startScriptedServer,
  streamBody,
  trickleBody,
} from "@hwsync/testkit/scripted-server";
import { describe, expect, test } from "vitest";
import { ApiClient, type ApiClientOptions, type RequestOptions, startBudget } from "../src/client.ts";
import { InterruptedError } from "../src/errors.ts";
import { parseApiKey } from "../src/oauth.ts";
import { useScriptedServer } from "./support/use-scripted-server.ts";

const scripted = useScriptedServer();

const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({
    url: `${scripted.url}/MAAS/`,
    credentials: parseApiKey("ck:tk:ts"),
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2000,
    ...options,
  });

const get = (options: Partial<RequestOptions> = {}, clientOptions: Partial<ApiClientOptions> = {}) =>
  client(clientOptions).request({ method: "GET", path: "machines/", ...options });

type Failure = Error & Record<string, unknown>;
async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error("expected the request to fail");
}

describe("every answer is read under a cap chosen per request", () => {
  test("an endless 200 is cut at maxResponseBytes: HWS_RESPONSE_TOO_LARGE, the connection dropped", async () => {
    scripted.respond = (_request, res) => streamBody(res);
    const started = Date.now();
    const error = await failure(get({ maxResponseBytes: 64 * 1024 }));
    expect(error).toMatchObject({ code: "HWS_RESPONSE_TOO_LARGE" });
    expect(error.message).toBe(
      `[GET] ${scripted.url}/MAAS/api/2.0/machines/: 200 OK with an answer of more than 64 KiB, more than this request ever expects; stopped reading it`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(() => scripted.server.cutShort).toBe(1);
  });

  test("the client's maxResponseBytes caps every request that names none", async () => {
    scripted.respond = (_request, res) => answer(res, 200, "x".repeat(2048));
    const error = await failure(get({}, { maxResponseBytes: 1024 }));
    expect(error).toMatchObject({
      code: "HWS_RESPONSE_TOO_LARGE",
      message: expect.stringContaining("1 KiB"),
    });
  });

  test("a declared Content-Length over the cap is refused before the body arrives", async () => {
    scripted.respond = (_request, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(2 ** 40) });
      res.write("{");
    };
    const error = await failure(get({ maxResponseBytes: 1024 }));
    expect(error.code).toBe("HWS_RESPONSE_TOO_LARGE");
    await expect.poll(() => scripted.server.cutShort).toBe(1);
  });

  test("an answer of exactly the cap is read whole", async () => {
    scripted.respond = (_request, res) => answer(res, 200, "a".repeat(1024));
    const response = await get({ maxResponseBytes: 1024 });
    expect(response.text).toBe("a".repeat(1024));
  });

  test("an error page over 64 KiB keeps its status and code; its body is not read", async () => {
    scripted.respond = (_request, res) =>
      streamBody(res, {
        status: 409,
        headers: { "content-type": "text/html", "x-hwsync-error-code": "HWS_MACHINE_NOT_SYNCABLE" },
      });
    const error = await failure(get());
    expect(error).toMatchObject({
      code: "HWS_API_STATUS",
      status: 409,
      serverCode: "HWS_MACHINE_NOT_SYNCABLE",
      body: "(an error page over 64 KiB, not read)",
    });
  });

  test("a 503 page of any size is retried like any 503, not reported as a size error", async () => {
    scripted.respond = (_request, res, index) =>
      index === 0 ? streamBody(res, { status: 503 }) : answerJson(res, 200, []);
    const response = await get({}, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    expect(response.body).toEqual([]);
    expect(scripted.requests).toHaveLength(2);
  });
});

describe("redirects are refused, never followed", () => {
  test.each([301, 302, 303, 307, 308])(
    "%i: HWS_REDIRECT_REFUSED naming the Location, one request, nothing sent there",
    async (status) => {
      const elsewhere = await startScriptedServer((_request, res) => answerJson(res, 200, {}));
      try {
        scripted.respond = (_request, res) =>
          answer(res, status, "moved", { location: `${elsewhere.url}/collect?steal=1` });
        const error = await failure(get({}, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 } }));
        expect(error.code).toBe("HWS_REDIRECT_REFUSED");
        expect(error.message).toContain(`${status} `);
        expect(error.message).toContain(`redirecting to ${elsewhere.url}/collect?steal=1;`);
        expect(scripted.requests).toHaveLength(1);
        expect(elsewhere.requests).toHaveLength(0);
      } finally {
        await elsewhere.close();
      }
    },
  );

  test("a relative Location is named in full, with any OAuth parameter in it blanked", async () => {
    scripted.respond = (_request, res) =>
      answer(res, 302, "", { location: "/login/?next=/MAAS/&oauth_token=tk123" });
    const error = await failure(get());
    expect(error.message).toContain(
      `redirecting to ${scripted.url}/login/?next=%2FMAAS%2F&oauth_token=REDACTED;`,
    );
  });

  test("a redirect without a Location says so", async () => {
    scripted.respond = (_request, res) => answer(res, 307, "");
    expect((await failure(get())).message).toContain("redirecting to (no Location header)");
  });
});

describe("a body is read under the caller's signal and the request's budget", () => {
  test("a body trickling forever ends with the budget: HWS_TIMEOUT, in time", async () => {
    scripted.respond = (_request, res) => trickleBody(res, 20);
    const started = Date.now();
    const error = await failure(get({ budget: startBudget(500) }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ code: "HWS_TIMEOUT", name: "BudgetSpentError" });
    expect(error.message).toMatch(
      /^\[GET\] .*machines\/: no answer within the 0.5s budget after 1 failed attempt: /,
    );
  });

  test("the caller's abort ends a flowing body at once, with the caller's reason", async () => {
    scripted.respond = (_request, res) => trickleBody(res, 20);
    const controller = new AbortController();
    const interrupted = new InterruptedError("SIGTERM");
    setTimeout(() => controller.abort(interrupted), 100);
    const started = Date.now();
    const error = await failure(get({ signal: controller.signal }));
    expect(error).toBe(interrupted);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect.poll(() => scripted.server.cutShort).toBe(1);
  });

  test("an abort without a coded reason is HWS_TIMEOUT 'aborted'", async () => {
    scripted.respond = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(get({ signal: controller.signal }));
    expect(error).toMatchObject({ code: "HWS_TIMEOUT", message: expect.stringMatching(/: aborted$/) });
  });
});

describe("the region's own error code (X-Hwsync-Error-Code) is on the ApiError", () => {
  test.each([
    ["our region's code", { "x-hwsync-error-code": "HWS_MACHINE_NOT_SYNCABLE" }, "HWS_MACHINE_NOT_SYNCABLE"],
    ["no header (real MAAS)", {}, null],
    ["a header not shaped like one of our codes", { "x-hwsync-error-code": "DROP TABLE machines" }, null],
  ])("%s", async (_name, headers, serverCode) => {
    scripted.respond = (_request, res) => answer(res, 409, "Machine is not deployed", headers);
    expect(await failure(get())).toMatchObject({ status: 409, code: "HWS_API_STATUS", serverCode });
  });
});

describe("request and answer bodies", () => {
  test("op=signal's multipart: fields in order, then file parts with their exact bytes", async () => {
    scripted.respond = (_request, res) => answer(res, 200, "OK");
    const binary = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    const response = await client().request({
      method: "POST",
      path: "/MAAS/metadata/2012-03-01/",
      form: [
        ["op", "signal"],
        ["status", "WORKING"],
        ["name", "50-maas-01-commissioning"],
      ],
      files: [
        { name: "a.out", filename: "a.out", content: '{"ok":true}' },
        { name: "a.bin", filename: "a.bin", content: binary },
      ],
    });
    expect(response.text).toBe("OK");
    const [request] = scripted.requests;
    expect(Number(request!.headers["content-length"])).toBe(request!.body.length);
    const form = await new Response(new Uint8Array(request!.body), {
      headers: { "content-type": String(request!.headers["content-type"]) },
    }).formData();
    const names: string[] = [];
    form.forEach((_value, name) => {
      names.push(name);
    });
    expect(names).toEqual(["op", "status", "name", "a.out", "a.bin"]);
    expect(await (form.get("a.out") as File).text()).toBe('{"ok":true}');
    expect(new Uint8Array(await (form.get("a.bin") as File).arrayBuffer())).toEqual(binary);
  });

  test("responseType bytes under a cap: the exact bytes, up to the cap", async () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
    scripted.respond = (_request, res) =>
      answer(res, 200, Buffer.from(bytes), { "content-type": "application/x-tar" });
    const response = await get({ responseType: "bytes", maxResponseBytes: 512 });
    expect(Buffer.from(response.body as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
  });

  test("asks for an uncompressed answer: nothing is ever decompressed", async () => {
    await get();
    expect(scripted.requests[0]!.headers["accept-encoding"]).toBe("identity");
  });
});

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as Router from "../src/router.tsx";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let router: typeof Router;
beforeAll(async () => {
  router = await loadWebModule<typeof Router>("src/router.tsx");
});
afterAll(closeWebModules);

describe("matchRoute", () => {
  test.each([
    ["", "", { name: "machines", unhealthyOnly: false }],
    ["machines", "?unhealthy=1", { name: "machines", unhealthyOnly: true }],
    ["machines/", "?unhealthy=0", { name: "machines", unhealthyOnly: false }],
    ["machine/abc123", "", { name: "machine", systemId: "abc123" }],
    ["machine/a%20b", "", { name: "machine", systemId: "a b" }],
    ["settings", "", { name: "settings" }],
    ["machine/abc/extra", "", { name: "not-found" }],
    ["nope", "", { name: "not-found" }],
  ])("maps %j%s to %j", (path, search, route) => {
    expect(router.matchRoute(path, search)).toEqual(route);
  });
});

import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../deps.ts";

// The capabilities MAAS 3.x lists, plus ours: clients look for "authenticate-api" before logging
// in with a password and for "hardware-sync-history" before using our extra machine ops.
const CAPABILITIES = [
  "networks-management",
  "static-ipaddresses",
  "ipv6-deployment-ubuntu",
  "devices-management",
  "storage-deployment-ubuntu",
  "network-deployment-ubuntu",
  "bridging-interface-ubuntu",
  "bridging-automatic-ubuntu",
  "authenticate-api",
  "hardware-sync",
  "hardware-sync-history",
];

const REGION_VERSION = "3.6.0";
const REGION_SUBVERSION = "hwsync-0.1.0";

export function registerVersionRoutes(app: FastifyInstance, _deps: AppDeps): void {
  app.get("/MAAS/api/version/", async (_request, reply) =>
    reply.type("text/plain; charset=utf-8").send("2.0"),
  );
  app.get("/MAAS/api/2.0/version/", async () => ({
    capabilities: CAPABILITIES,
    version: REGION_VERSION,
    subversion: REGION_SUBVERSION,
  }));
}

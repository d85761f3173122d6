import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { registerAuth } from "./auth.ts";
import { registerBodyParsers } from "./body.ts";
import type { AppDeps, RegionConfig } from "./deps.ts";
import { handleError, sendRegionError } from "./error-handler.ts";
import { regionError } from "./errors.ts";
import { registerAccountRoutes } from "./routes/account.ts";
import { registerBlockDevicesRoutes } from "./routes/blockdevices.ts";
import { registerDescribeRoutes } from "./routes/describe.ts";
import { registerDomainsRoutes } from "./routes/domains.ts";
import { registerEventsRoutes } from "./routes/events.ts";
import { registerHardwareSyncDownloadRoutes } from "./routes/hardware-sync-download.ts";
import { registerInterfacesRoutes } from "./routes/interfaces.ts";
import { registerMaasRoutes } from "./routes/maas.ts";
import { registerMachineRoutes } from "./routes/machine.ts";
import { registerMachinesRoutes } from "./routes/machines.ts";
import { registerMetadataRoutes } from "./routes/metadata.ts";
import { registerNodesRoutes } from "./routes/nodes.ts";
import { registerPoolsRoutes } from "./routes/pools.ts";
import { registerTagsRoutes } from "./routes/tags.ts";
import { registerUsersRoutes } from "./routes/users.ts";
import { registerVersionRoutes } from "./routes/version.ts";
import { registerWebUi } from "./routes/web-ui.ts";
import { registerWsRoutes } from "./routes/ws.ts";
import { registerZonesRoutes } from "./routes/zones.ts";
import { API_HASH } from "./services/describe.ts";

// Forms and op=signal uploads (which carry the payload twice: .out and combined output) get
// room for two payloads; the fast push route sets its own, tighter limit.
function bodyLimitFor(config: RegionConfig): number {
  return 2 * config.maxPayloadBytes + 1024 * 1024;
}

// OAuth may come in the query string (MAAS accepts it there) and careless clients put passwords
// or session ids in URLs: the request log keeps the parameter names, never those values.
const SECRET_PARAM = /signature|secret|password|session/i;

function requestForLog(request: FastifyRequest): Record<string, unknown> {
  const at = request.url.indexOf("?");
  let url = request.url;
  if (at >= 0) {
    const query = new URLSearchParams(url.slice(at + 1));
    for (const name of new Set(query.keys())) if (SECRET_PARAM.test(name)) query.set(name, "REDACTED");
    url = `${url.slice(0, at)}?${query.toString()}`;
  }
  return {
    method: request.method,
    url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Builds the region's HTTP app (never listens): parsers → auth → errors → hooks → routes. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.log ? { level: "info", serializers: { req: requestForLog } } : false,
    bodyLimit: bodyLimitFor(deps.config),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Behind a proxy (as behind the rack's nginx) X-Forwarded-* give the scheme and host that
    // describe/ puts in its URIs.
    trustProxy: true,
    // A malformed URL or an over-long path parameter gets a coded reply too, not fastify's JSON.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
  });
  registerBodyParsers(app);
  registerAuth(app, deps.db);
  // With --log, internal errors go to the JSON log with the request id; else one stderr line.
  const reportInternal = deps.log
    ? (error: unknown, request: FastifyRequest) => request.log.error({ err: error }, "internal error")
    : undefined;
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, reportInternal));
  app.setNotFoundHandler((request, reply) =>
    sendRegionError(
      reply,
      regionError("HWS_ROUTE_NOT_FOUND", { method: request.method, path: request.url.split("?")[0] ?? "" }),
    ),
  );
  // MAAS pretty-prints every JSON answer with 4 spaces; its CLI prints bodies verbatim.
  app.setReplySerializer((payload) => JSON.stringify(payload, null, 4));
  app.addHook("onSend", async (request, reply, payload) => {
    const type = reply.getHeader("content-type");
    // Exactly application/json: MAAS's CLI refuses describe/ with a charset suffix.
    if (typeof type === "string" && type.startsWith("application/json"))
      reply.header("content-type", "application/json");
    if (request.url.startsWith("/MAAS/api/") || request.url.startsWith("/MAAS/metadata/")) {
      reply.header("X-MAAS-API-Hash", API_HASH);
    }
    return payload;
  });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  registerVersionRoutes(app, deps);
  registerDescribeRoutes(app, deps);
  registerUsersRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerMachinesRoutes(app, deps);
  registerMachineRoutes(app, deps);
  registerNodesRoutes(app, deps);
  registerInterfacesRoutes(app, deps);
  registerBlockDevicesRoutes(app, deps);
  registerZonesRoutes(app, deps);
  registerPoolsRoutes(app, deps);
  registerDomainsRoutes(app, deps);
  registerTagsRoutes(app, deps);
  registerMaasRoutes(app, deps);
  registerWsRoutes(app, deps);
  registerMetadataRoutes(app, deps);
  registerEventsRoutes(app, deps);
  registerHardwareSyncDownloadRoutes(app, deps);
  if (deps.config.webDistDir) registerWebUi(app, { distDir: deps.config.webDistDir });
  for (const register of deps.extraRoutes ?? []) await register(app);
  return app;
}

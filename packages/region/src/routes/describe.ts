import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../deps.ts";
import { describeApi } from "../services/describe.ts";

export function registerDescribeRoutes(app: FastifyInstance, _deps: AppDeps): void {
  // Anonymous, as MAAS serves it; the absolute `uri`s follow the Host the client used.
  app.get("/MAAS/api/2.0/describe/", async (request, reply) => {
    const origin = `${request.protocol}://${request.host}`;
    return reply.type("application/json").send(describeApi(origin));
  });
}

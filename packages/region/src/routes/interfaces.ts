import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../deps.ts";
import { listInterfaces, readInterface } from "../services/node-devices.ts";
import { registerHandler } from "./dispatch.ts";

// MAAS's InterfacesHandler (`nodes/{system_id}/interfaces/`) and InterfaceHandler
// (`…/interfaces/{id}/`). Read-only: hardware sync writes interfaces, so MAAS's create_*, link
// and update operations answer "Unrecognised signature".

export function registerInterfacesRoutes(app: FastifyInstance, { db }: AppDeps): void {
  registerHandler<{ system_id: string }>(app, "/MAAS/api/2.0/nodes/:system_id/interfaces/", {
    GET: { "": async (request, _reply, user) => listInterfaces(db, user, request.params.system_id) },
  });
  registerHandler<{ system_id: string; id: string }>(app, "/MAAS/api/2.0/nodes/:system_id/interfaces/:id/", {
    GET: {
      "": async (request, _reply, user) =>
        readInterface(db, user, request.params.system_id, request.params.id),
    },
  });
}

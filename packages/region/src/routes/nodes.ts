import type { FastifyInstance } from "fastify";
import { requireAdmin } from "../auth.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { machineDetails, machinePowerParameters } from "../services/machine-details.ts";
import { machineToJson } from "../services/machine-json.ts";
import { findVisibleMachine } from "../services/machines.ts";
import { registerHandler } from "./dispatch.ts";
import { listMachinesRoute } from "./machines.ts";

// MAAS's NodesHandler (`nodes/`) and NodeHandler (`nodes/{system_id}/`): every node of this
// region is a machine, so they answer what the machine handlers answer, with the node's 404.

export function registerNodesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, clock } = deps;
  app.get("/MAAS/api/2.0/nodes/", listMachinesRoute(deps));
  const node = async (user: Parameters<typeof findVisibleMachine>[1], systemId: string) => {
    try {
      return await findVisibleMachine(db, user, systemId);
    } catch {
      throw regionError("HWS_NOT_FOUND", { model: "Node" });
    }
  };
  registerHandler<{ system_id: string }>(app, "/MAAS/api/2.0/nodes/:system_id/", {
    GET: {
      "": async (request, _reply, user) =>
        machineToJson(db, await node(user, request.params.system_id), clock.now()),
      details: async (request, reply, user) =>
        reply
          .type("application/bson")
          .send(await machineDetails(db, await node(user, request.params.system_id))),
      power_parameters: async (request, _reply, user) => {
        const row = await node(user, request.params.system_id);
        requireAdmin(request);
        return machinePowerParameters(db, row);
      },
    },
  });
}

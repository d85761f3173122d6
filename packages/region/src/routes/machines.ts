import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireAdmin, requireUser } from "../auth.ts";
import { allValues, firstValue, formFields, queryFields, requestOp } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { resolveMachineFilter } from "../services/machine-filter.ts";
import { LIST_BATCH, machinesJsonText, machinesToJson, machineToJson } from "../services/machine-json.ts";
import { createMachine, listVisibleMachines, setZone } from "../services/machines.ts";
import {
  filterParamsFromQuery,
  LIST_EXTENSIONS,
  newMachineInputFromForm,
  syncUnhealthyFromQuery,
} from "./forms/machines.ts";

/**
 * `GET machines/` (and `GET nodes/`: every node here is a machine) with MAAS's filters. MAAS has
 * anonymous handlers for both, so an unsigned list is a 400, not a 401.
 */
export function listMachinesRoute({ db, clock }: Pick<AppDeps, "db" | "clock">) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const op = requestOp(request);
    if (request.principal === null) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const user = requireUser(request);
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const now = clock.now();
    const query = queryFields(request);
    const syncUnhealthyAt = syncUnhealthyFromQuery(query, now);
    const filter = await resolveMachineFilter(db, filterParamsFromQuery(query), user, LIST_EXTENSIONS);
    const rows = await listVisibleMachines(db, { ...filter, syncUnhealthyAt });
    if (rows.length <= LIST_BATCH) return machinesToJson(db, rows, now);
    // A big fleet is streamed (same bytes as the serializer's): see machinesJsonText.
    // highWaterMark 1: one batch in hand while the client reads, not the default 16.
    const body = Readable.from(machinesJsonText(db, rows, now), { highWaterMark: 1 });
    return reply.type("application/json").send(body);
  };
}

export function registerMachinesRoutes(app: FastifyInstance, { db, clock }: AppDeps): void {
  app.get("/MAAS/api/2.0/machines/", listMachinesRoute({ db, clock }));

  app.post("/MAAS/api/2.0/machines/", async (request, reply) => {
    if (request.principal === null) throw regionError("HWS_UNAUTHORIZED");
    requireUser(request);
    const op = requestOp(request);
    if (op === "set_zone") {
      requireAdmin(request);
      const form = formFields(request);
      await setZone(db, firstValue(form, "zone"), allValues(form, "nodes"));
      return reply.code(204).send();
    }
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    const user = requireAdmin(request);
    const row = await createMachine(db, newMachineInputFromForm(formFields(request)), clock, user);
    return machineToJson(db, row, clock.now());
  });
}

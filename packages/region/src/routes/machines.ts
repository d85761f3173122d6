import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { requireAdmin, requireUser } from "../auth.ts";
import { formFields, queryFields, requestOp } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { LIST_BATCH, machinesJsonText, machinesToJson, machineToJson } from "../services/machine-json.ts";
import { createMachine, listVisibleMachines } from "../services/machines.ts";
import { machineFilterFromQuery, newMachineInputFromForm } from "./forms/machines.ts";

export function registerMachinesRoutes(app: FastifyInstance, { db, clock }: AppDeps): void {
  app.get("/MAAS/api/2.0/machines/", async (request, reply) => {
    const op = requestOp(request);
    // MAAS has an anonymous machines handler, so an unsigned list is a 400, not a 401.
    if (request.principal === null) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const user = requireUser(request);
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const now = clock.now();
    const rows = await listVisibleMachines(db, machineFilterFromQuery(queryFields(request), user, now));
    if (rows.length <= LIST_BATCH) return machinesToJson(db, rows, now);
    // A big fleet is streamed (same bytes as the serializer's): see machinesJsonText.
    // highWaterMark 1: one batch in hand while the client reads, not the default 16.
    const body = Readable.from(machinesJsonText(db, rows, now), { highWaterMark: 1 });
    return reply.type("application/json").send(body);
  });

  app.post("/MAAS/api/2.0/machines/", async (request) => {
    if (request.principal === null) throw regionError("HWS_UNAUTHORIZED");
    requireUser(request);
    const op = requestOp(request);
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    requireAdmin(request);
    const row = await createMachine(db, newMachineInputFromForm(formFields(request)), clock);
    return machineToJson(db, row, clock.now());
  });
}

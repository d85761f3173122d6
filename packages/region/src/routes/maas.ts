import type { FastifyInstance } from "fastify";
import { requireAdmin, requireUser } from "../auth.ts";
import { firstValue, formFields, queryFields, requestOp } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { getConfig, setConfig } from "../services/config.ts";

export function registerMaasRoutes(app: FastifyInstance, { db }: AppDeps): void {
  app.get("/MAAS/api/2.0/maas/", async (request, reply) => {
    requireUser(request);
    const op = requestOp(request);
    if (op !== "get_config") throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const name = firstValue(queryFields(request), "name");
    if (!name) throw regionError("HWS_BAD_REQUEST", { message: "No provided name!" });
    // The value as a JSON string ("15m"), as MAAS answers.
    return reply.type("application/json").send(JSON.stringify(await getConfig(db, name)));
  });

  app.post("/MAAS/api/2.0/maas/", async (request, reply) => {
    requireUser(request);
    const op = requestOp(request);
    if (op !== "set_config") throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    requireAdmin(request);
    const form = formFields(request);
    const name = firstValue(form, "name");
    if (!name) throw regionError("HWS_BAD_REQUEST", { message: "No provided name!" });
    const value = firstValue(form, "value");
    if (value === undefined) throw regionError("HWS_BAD_REQUEST", { message: "No provided value!" });
    await setConfig(db, name, value);
    return reply.type("text/plain; charset=utf-8").send("OK");
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type PrincipalUser, requireAdmin, requireUser } from "../auth.ts";
import { firstValue, formFields, queryFields, requestOp } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { deployMachine } from "../services/deploy.ts";
import { HISTORY_MAX_LIMIT, hardwareHistory, hardwareView } from "../services/hardware-view.ts";
import { machineDetails, machinePowerParameters } from "../services/machine-details.ts";
import { machineToJson } from "../services/machine-json.ts";
import { findVisibleMachine, machineToken, releaseMachine } from "../services/machines.ts";
import { renderVendorData } from "../services/vendor-data.ts";
import { parseDeployForm } from "./forms/deploy.ts";

type Params = { system_id: string };
type OpHandler = (
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  user: PrincipalUser,
) => Promise<unknown>;

function historyLimit(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT) {
    throw regionError("HWS_VALIDATION_FAILED", {
      fields: {
        limit: [`'${raw}' is not a valid limit: give a whole number from 1 to ${HISTORY_MAX_LIMIT}.`],
      },
    });
  }
  return limit;
}

/** One resource, one dispatch table per method: `op` → handler (undefined = plain CRUD). */
export function registerMachineRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, clock, config } = deps;
  const path = "/MAAS/api/2.0/machines/:system_id/";

  const getOps: Record<string, OpHandler> = {
    "": async (request, _reply, user) => {
      const row = await findVisibleMachine(db, user, request.params.system_id);
      return machineToJson(db, row, clock.now());
    },
    get_token: async (request, reply) => {
      requireAdmin(request);
      const token = await machineToken(db, request.params.system_id);
      const body = token
        ? { token_key: token.tokenKey, token_secret: token.tokenSecret, consumer_key: token.consumerKey }
        : null;
      return reply.type("application/json").send(JSON.stringify(body, null, 4));
    },
    hardware: async (request, _reply, user) => {
      const row = await findVisibleMachine(db, user, request.params.system_id);
      return hardwareView(db, row.id);
    },
    hardware_history: async (request, _reply, user) => {
      const limit = historyLimit(firstValue(queryFields(request), "limit"));
      const row = await findVisibleMachine(db, user, request.params.system_id);
      return hardwareHistory(db, row.id, { limit });
    },
    details: async (request, reply, user) => {
      const row = await findVisibleMachine(db, user, request.params.system_id);
      return reply.type("application/bson").send(await machineDetails(db, row));
    },
    power_parameters: async (request, _reply, user) => {
      // MAAS needs admin-read permission on the machine: admins only, 403 for others.
      const row = await findVisibleMachine(db, user, request.params.system_id);
      requireAdmin(request);
      return machinePowerParameters(db, row);
    },
    vendor_data: async (request, reply, user) => {
      const row = await findVisibleMachine(db, user, request.params.system_id);
      // It holds the machine's credentials: only its owner or an admin may read it.
      if (!user.isSuperuser && row.ownerId !== user.id) {
        throw regionError("HWS_FORBIDDEN", {
          message: "Only the machine's owner or an admin may read its vendor data.",
        });
      }
      const rendered = await renderVendorData(db, row, deps);
      return typeof rendered === "string"
        ? reply.type("application/x-yaml; charset=utf-8").send(rendered)
        : rendered;
    },
  };

  const postOps: Record<string, OpHandler> = {
    deploy: async (request, _reply, user) => {
      // MAAS looks the machine up (404) before it reads the form (400).
      await findVisibleMachine(db, user, request.params.system_id);
      const options = parseDeployForm(formFields(request));
      const row = await deployMachine(db, user, request.params.system_id, options, {
        clock,
        deployImmediately: config.deployImmediately,
      });
      return machineToJson(db, row, clock.now());
    },
    release: async (request, _reply, user) => {
      const comment = firstValue(formFields(request), "comment");
      const row = await releaseMachine(db, user, request.params.system_id, { comment }, clock);
      return machineToJson(db, row, clock.now());
    },
  };

  const dispatch =
    (method: string, ops: Record<string, OpHandler>) =>
    async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const user = requireUser(request);
      const op = requestOp(request);
      const handler = Object.hasOwn(ops, op ?? "") ? ops[op ?? ""] : undefined;
      if (!handler) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: method, op });
      return handler(request, reply, user);
    };

  app.get<{ Params: Params }>(path, dispatch("GET", getOps));
  app.post<{ Params: Params }>(path, dispatch("POST", postOps));
  app.put<{ Params: Params }>(path, dispatch("PUT", {}));
  app.delete<{ Params: Params }>(path, dispatch("DELETE", {}));
}

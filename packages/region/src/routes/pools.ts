import type { FastifyInstance } from "fastify";
import { requireAdmin } from "../auth.ts";
import { formFields } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { poolJson } from "../services/machine-json.ts";
import {
  createObject,
  deleteObject,
  findObject,
  listObjects,
  POOL_KIND,
  updateObject,
} from "../services/zones-and-pools.ts";
import { deleted, registerHandler } from "./dispatch.ts";
import { namedObjectInput } from "./zones.ts";

// MAAS's ResourcePoolsHandler (`resourcepools/`) and ResourcePoolHandler (`resourcepool/{id}/`,
// singular, as MAAS spells it).

const byId = (id: string) => ({ id: /^\d+$/.test(id) ? Number(id) : Number.NaN });

export function registerPoolsRoutes(app: FastifyInstance, { db }: AppDeps): void {
  registerHandler(app, "/MAAS/api/2.0/resourcepools/", {
    GET: { "": async () => (await listObjects(db, POOL_KIND)).map(poolJson) },
    POST: {
      "": async (request) => {
        requireAdmin(request);
        return poolJson(await createObject(db, POOL_KIND, namedObjectInput(formFields(request))));
      },
    },
  });
  registerHandler<{ id: string }>(app, "/MAAS/api/2.0/resourcepool/:id/", {
    GET: { "": async (request) => poolJson(await findObject(db, POOL_KIND, byId(request.params.id))) },
    PUT: {
      "": async (request) => {
        requireAdmin(request);
        const input = namedObjectInput(formFields(request));
        return poolJson(await updateObject(db, POOL_KIND, byId(request.params.id), input));
      },
    },
    DELETE: {
      "": async (request, reply) => {
        requireAdmin(request);
        await deleteObject(db, POOL_KIND, byId(request.params.id));
        return deleted(reply);
      },
    },
  });
}

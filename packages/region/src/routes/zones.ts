import type { FastifyInstance } from "fastify";
import { requireAdmin } from "../auth.ts";
import { type FormBody, firstValue, formFields } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { zoneJson } from "../services/machine-json.ts";
import {
  createObject,
  deleteObject,
  findObject,
  listObjects,
  type NamedObjectInput,
  updateObject,
  ZONE_KIND,
} from "../services/zones-and-pools.ts";
import { deleted, registerHandler } from "./dispatch.ts";

// MAAS's ZonesHandler (`zones/`) and ZoneHandler (`zones/{name}/`).

export function namedObjectInput(form: FormBody): NamedObjectInput {
  return { name: firstValue(form, "name"), description: firstValue(form, "description") };
}

export function registerZonesRoutes(app: FastifyInstance, { db }: AppDeps): void {
  registerHandler(app, "/MAAS/api/2.0/zones/", {
    GET: { "": async () => (await listObjects(db, ZONE_KIND)).map(zoneJson) },
    POST: {
      "": async (request) => {
        requireAdmin(request);
        return zoneJson(await createObject(db, ZONE_KIND, namedObjectInput(formFields(request))));
      },
    },
  });
  registerHandler<{ name: string }>(app, "/MAAS/api/2.0/zones/:name/", {
    GET: { "": async (request) => zoneJson(await findObject(db, ZONE_KIND, { name: request.params.name })) },
    PUT: {
      "": async (request) => {
        requireAdmin(request);
        const input = namedObjectInput(formFields(request));
        return zoneJson(await updateObject(db, ZONE_KIND, { name: request.params.name }, input));
      },
    },
    DELETE: {
      "": async (request, reply) => {
        requireAdmin(request);
        await deleteObject(db, ZONE_KIND, { name: request.params.name });
        return deleted(reply);
      },
    },
  });
}

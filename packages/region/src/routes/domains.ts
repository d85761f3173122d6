import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../deps.ts";
import { findDomain, listDomains } from "../services/domains.ts";
import { domainJson } from "../services/machine-json.ts";
import { registerHandler } from "./dispatch.ts";

// MAAS's DomainsHandler (`domains/`) and DomainHandler (`domains/{id}/`), read-only here.

export function registerDomainsRoutes(app: FastifyInstance, { db }: AppDeps): void {
  registerHandler(app, "/MAAS/api/2.0/domains/", {
    GET: { "": async () => (await listDomains(db)).map(domainJson) },
  });
  registerHandler<{ id: string }>(app, "/MAAS/api/2.0/domains/:id/", {
    GET: {
      "": async (request) =>
        domainJson(
          await findDomain(db, /^\d+$/.test(request.params.id) ? Number(request.params.id) : Number.NaN),
        ),
    },
  });
}

import { CONTENT_HASH_HEADER } from "@hwsync/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireMachine } from "../auth.ts";
import { firstValue, formFields, queryFields, requestOp } from "../body.ts";
import { getMachineById } from "../db/machines.ts";
import { claimScriptResult } from "../db/script-results.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { handlePush } from "../services/hardware-sync/push.ts";
import { handleSignal } from "../services/hardware-sync/signal.ts";
import { buildScriptsTar, COMMISSIONING_SCRIPT } from "../services/scripts-tar.ts";
import { renderVendorData } from "../services/vendor-data.ts";
import { parseSignalForm } from "./forms/signal.ts";

// The machine side of the region: `/MAAS/metadata/{2012-03-01|latest}/…`, authenticated by the
// machine's own OAuth token (docs/maas-compatibility.md#metadata-push, docs/architecture.md "The fast path").

const VERSIONS = new Set(["2012-03-01", "latest"]);
const TEXT = "text/plain; charset=utf-8";

type VersionRequest = FastifyRequest<{ Params: { version: string } }>;

function checkVersion(request: VersionRequest): void {
  if (!VERSIONS.has(request.params.version)) {
    throw regionError("HWS_METADATA_VERSION_UNKNOWN", { version: request.params.version });
  }
}

/** `http(s)://host:port/MAAS` as this request reached us. */
export function requestBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/MAAS`;
}

/** A request naming a machine (`?system_id=`) must name the token's own machine. */
function machineFor(request: FastifyRequest): ReturnType<typeof requireMachine> {
  const machine = requireMachine(request);
  const named = firstValue(queryFields(request), "system_id");
  if (named !== undefined && named !== machine.systemId) {
    throw regionError("HWS_FORBIDDEN", {
      message: `This token belongs to machine ${machine.systemId}; it cannot act for machine ${named}.`,
    });
  }
  return machine;
}

export function registerMetadataRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, clock, config } = deps;

  app.get<{ Params: { version: string } }>("/MAAS/metadata/:version/", async (request, reply) => {
    checkVersion(request);
    requireMachine(request);
    return reply.type(TEXT).send("meta-data/\nuser-data\nmaas-scripts\n");
  });

  app.post<{ Params: { version: string } }>("/MAAS/metadata/:version/", async (request, reply) => {
    checkVersion(request);
    const op = requestOp(request);
    if (op !== "signal") throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    const machine = machineFor(request);
    const signal = parseSignalForm(formFields(request));
    await handleSignal(db, {
      machineId: machine.machineId,
      tokenKey: machine.tokenKey,
      signal,
      files: request.formFiles.map((file) => ({ field: file.field, data: file.data })),
      now: clock.now(),
    });
    return reply.type(TEXT).send("OK");
  });

  app.get<{ Params: { version: string } }>("/MAAS/metadata/:version/maas-scripts", async (request, reply) => {
    checkVersion(request);
    // No credentials: MAAS hands out its enlistment scripts; we have none, so an empty index.
    if (!request.principal) {
      return reply.type("application/x-tar").send(await buildScriptsTar(null, clock.now()));
    }
    const { machineId } = requireMachine(request);
    const result = await claimScriptResult(db, machineId, COMMISSIONING_SCRIPT, clock.now());
    const finished = result.status !== "PENDING";
    const tar = await buildScriptsTar(
      { scriptResultId: result.id, hasStarted: finished, hasFinished: finished },
      clock.now(),
    );
    return reply.type("application/x-tar").send(tar);
  });

  app.get<{ Params: { version: string } }>(
    "/MAAS/metadata/:version/meta-data/vendor-data",
    async (request, reply) => {
      checkVersion(request);
      const { machineId } = requireMachine(request);
      const machine = await getMachineById(db, machineId);
      if (!machine) throw regionError("HWS_MACHINE_NOT_FOUND");
      const body = await renderVendorData(db, machine, deps, { baseUrl: requestBaseUrl(request) });
      return reply.type("application/x-yaml; charset=utf-8").send(body);
    },
  );

  app.post<{ Params: { version: string } }>(
    "/MAAS/metadata/:version/hardware-sync",
    // The body stays raw (gzip included): the unchanged path never inflates or parses it.
    { config: { rawBody: true }, bodyLimit: config.maxPayloadBytes },
    async (request, reply) => {
      checkVersion(request);
      const machine = machineFor(request);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await handlePush(db, {
        machineId: machine.machineId,
        tokenKey: machine.tokenKey,
        systemId: machine.systemId,
        body,
        contentEncoding: request.headers["content-encoding"],
        declaredHash: headerValue(request.headers[CONTENT_HASH_HEADER]),
        now: clock.now(),
        maxPayloadBytes: config.maxPayloadBytes,
      });
      return reply.type("application/json").send(result);
    },
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

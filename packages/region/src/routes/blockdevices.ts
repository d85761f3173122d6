import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../deps.ts";
import { listBlockDevices, readBlockDevice } from "../services/node-devices.ts";
import { registerHandler } from "./dispatch.ts";

// MAAS's BlockDevicesHandler (`nodes/{system_id}/blockdevices/`) and BlockDeviceHandler
// (`…/blockdevices/{id}/`). Read-only: we model no partitions, filesystems or tags on disks.

export function registerBlockDevicesRoutes(app: FastifyInstance, { db }: AppDeps): void {
  registerHandler<{ system_id: string }>(app, "/MAAS/api/2.0/nodes/:system_id/blockdevices/", {
    GET: { "": async (request, _reply, user) => listBlockDevices(db, user, request.params.system_id) },
  });
  registerHandler<{ system_id: string; id: string }>(
    app,
    "/MAAS/api/2.0/nodes/:system_id/blockdevices/:id/",
    {
      GET: {
        "": async (request, _reply, user) =>
          readBlockDevice(db, user, request.params.system_id, request.params.id),
      },
    },
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type PrincipalUser, requireUser } from "../auth.ts";
import { requestOp } from "../body.ts";
import { regionError } from "../errors.ts";

// MAAS's handler dispatch (docs/maas-compatibility.md#urls-and-request-encoding): one URL, one
// table per method from `op` to action ("" is the CRUD action), and an unknown pair is
// `Unrecognised signature: method=… op=…`. Every handler here needs a user's key.

type Method = "GET" | "POST" | "PUT" | "DELETE";

export type Action<P> = (
  request: FastifyRequest<{ Params: P }>,
  reply: FastifyReply,
  user: PrincipalUser,
) => Promise<unknown>;

export type Actions<P> = Partial<Record<Method, Record<string, Action<P>>>>;

/** What MAAS answers a successful delete with: 204, no body. */
export function deleted(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export function registerHandler<P>(app: FastifyInstance, path: string, actions: Actions<P>): void {
  for (const method of ["GET", "POST", "PUT", "DELETE"] as const) {
    const ops = actions[method] ?? {};
    app.route<{ Params: P }>({
      method,
      url: path,
      handler: async (request, reply) => {
        const user = requireUser(request);
        const op = requestOp(request);
        const action = Object.hasOwn(ops, op ?? "") ? ops[op ?? ""] : undefined;
        if (!action) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method, op });
        return action(request, reply, user);
      },
    });
  }
}

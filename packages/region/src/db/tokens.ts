import { generateKeyMaterial } from "@hwsync/shared";
import type { Db } from "./db.ts";

/** An OAuth token as the API hands it out (`consumer_key:token_key:token_secret`). */
export interface TokenTriple {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
}

export interface NamedToken extends TokenTriple {
  name: string | null;
  created: Date;
}

/** What auth needs to know about a token: whose it is. */
export interface TokenOwner {
  kind: "user" | "machine";
  consumerKey: string;
  tokenSecret: string;
  userId: number | null;
  username: string | null;
  isSuperuser: boolean;
  machineId: number | null;
  systemId: string | null;
}

// piston's KEY_SIZE / SECRET_SIZE, the sizes every MAAS key has.
const KEY_SIZE = 18;
const SECRET_SIZE = 32;

function newTriple(): TokenTriple {
  return {
    consumerKey: generateKeyMaterial(KEY_SIZE),
    tokenKey: generateKeyMaterial(KEY_SIZE),
    tokenSecret: generateKeyMaterial(SECRET_SIZE),
  };
}

/**
 * Auth's one round trip: the token's owner, and the nonce recorded for it in the same
 * statement. `nonceFresh` is false when this (token, nonce) pair was used before. The nonce is
 * stored only for an existing token; the caller still checks the signature afterwards.
 */
export async function claimNonce(
  db: Db,
  tokenKey: string,
  nonce: string,
): Promise<(TokenOwner & { nonceFresh: boolean }) | null> {
  const { rows } = await db.query<TokenOwner & { nonceFresh: boolean }>(
    `WITH owner AS (
       SELECT t.kind, t.consumer_key AS "consumerKey", t.token_secret AS "tokenSecret",
              t.user_id AS "userId", u.username, coalesce(u.is_superuser, false) AS "isSuperuser",
              t.machine_id AS "machineId", m.system_id AS "systemId"
         FROM api_tokens t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN machines m ON m.id = t.machine_id
        WHERE t.token_key = $1
     ), claimed AS (
       INSERT INTO oauth_nonces (token_key, nonce)
       SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM owner)
       ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT owner.*, EXISTS (SELECT 1 FROM claimed) AS "nonceFresh" FROM owner`,
    [tokenKey, nonce],
    { name: "hwsync_claim_nonce" },
  );
  return rows[0] ?? null;
}

export async function createUserToken(
  db: Db,
  userId: number,
  name: string | null = null,
): Promise<NamedToken> {
  const triple = newTriple();
  const { rows } = await db.query<{ created: Date }>(
    `INSERT INTO api_tokens (kind, name, consumer_key, token_key, token_secret, user_id)
     VALUES ('user', $1, $2, $3, $4, $5) RETURNING created`,
    [name, triple.consumerKey, triple.tokenKey, triple.tokenSecret, userId],
  );
  return { ...triple, name, created: rows[0]!.created };
}

export async function listUserTokens(db: Db, userId: number): Promise<NamedToken[]> {
  const { rows } = await db.query<NamedToken>(
    `SELECT consumer_key AS "consumerKey", token_key AS "tokenKey", token_secret AS "tokenSecret", name, created
       FROM api_tokens WHERE kind = 'user' AND user_id = $1 ORDER BY id`,
    [userId],
  );
  return rows;
}

/** Deletes one of the user's tokens; false when the user has no such token. */
export async function deleteUserToken(db: Db, userId: number, tokenKey: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "DELETE FROM api_tokens WHERE kind = 'user' AND user_id = $1 AND token_key = $2",
    [userId, tokenKey],
  );
  return rowCount > 0;
}

export async function renameUserToken(
  db: Db,
  userId: number,
  tokenKey: string,
  name: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE api_tokens SET name = $3 WHERE kind = 'user' AND user_id = $1 AND token_key = $2",
    [userId, tokenKey, name],
  );
  return rowCount > 0;
}

export async function getMachineToken(db: Db, machineId: number): Promise<TokenTriple | null> {
  const { rows } = await db.query<TokenTriple>(
    `SELECT consumer_key AS "consumerKey", token_key AS "tokenKey", token_secret AS "tokenSecret"
       FROM api_tokens WHERE kind = 'machine' AND machine_id = $1 ORDER BY id LIMIT 1`,
    [machineId],
  );
  return rows[0] ?? null;
}

/** The machine's metadata token, created on first use (deploy). Call with the machine row locked. */
export async function getOrCreateMachineToken(db: Db, machineId: number): Promise<TokenTriple> {
  const existing = await getMachineToken(db, machineId);
  if (existing) return existing;
  const triple = newTriple();
  await db.query(
    `INSERT INTO api_tokens (kind, consumer_key, token_key, token_secret, machine_id)
     VALUES ('machine', $1, $2, $3, $4)`,
    [triple.consumerKey, triple.tokenKey, triple.tokenSecret, machineId],
  );
  return triple;
}

/** Release: the running agent's next push then gets 401 `Invalid access token`. */
export async function deleteMachineTokens(db: Db, machineId: number): Promise<void> {
  await db.query("DELETE FROM api_tokens WHERE kind = 'machine' AND machine_id = $1", [machineId]);
}

/** Whether this token still belongs to the machine (a release deletes it). */
export async function machineTokenExists(db: Db, tokenKey: string, machineId: number): Promise<boolean> {
  // rows, not rowCount: PGlite reports a SELECT's rowCount as 0.
  const { rows } = await db.query("SELECT 1 FROM api_tokens WHERE token_key = $1 AND machine_id = $2", [
    tokenKey,
    machineId,
  ]);
  return rows.length > 0;
}

/** Forgets nonces older than the timestamp window: a replay of them fails the timestamp check. */
export async function pruneNonces(db: Db, olderThanSeconds: number): Promise<void> {
  await db.query(
    `DELETE FROM oauth_nonces WHERE created < now() - interval '${Math.trunc(olderThanSeconds)} seconds'`,
  );
}

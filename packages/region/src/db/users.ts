import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import type { Db } from "./db.ts";

export interface UserRow {
  id: number;
  username: string;
  email: string | null;
  isSuperuser: boolean;
  created: Date;
}

const USER_COLUMNS = `id, username, email, is_superuser AS "isSuperuser", created`;

// scrypt N=2^15, r=8, p=1: ~50 ms and 32 MiB per check on the project machines, OWASP's
// recommended floor. Stored with its parameters so they can be raised without a migration.
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 32 };

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = SCRYPT;
  const key = await scryptAsync(password, salt, keyLength, { N, r, p, maxmem: 128 * N * r * 2 });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split("$") ?? [];
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  try {
    const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 128 * N * r * 2 });
    return timingSafeEqual(key, expected);
  } catch {
    return false; // a corrupt stored hash never matches
  }
}

export async function getUserByUsername(db: Db, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [
    username,
  ]);
  return rows[0] ?? null;
}

export async function getUserById(db: Db, id: number): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id], {
    name: "hwsync_user_by_id",
  });
  return rows[0] ?? null;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
  return rows;
}

export async function countAdmins(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE is_superuser");
  return rows[0]?.n ?? 0;
}

export async function getPasswordHash(
  db: Db,
  username: string,
): Promise<{ id: number; hash: string | null } | null> {
  const { rows } = await db.query<{ id: number; hash: string | null }>(
    "SELECT id, password_hash AS hash FROM users WHERE username = $1",
    [username],
  );
  return rows[0] ?? null;
}

export interface NewUser {
  username: string;
  email?: string | null;
  passwordHash: string | null;
  isSuperuser: boolean;
}

/** Inserts a user; a taken username raises PostgreSQL's unique violation (23505) for the caller to map. */
export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (username, email, password_hash, is_superuser) VALUES ($1, $2, $3, $4)
     RETURNING ${USER_COLUMNS}`,
    [user.username, user.email ?? null, user.passwordHash, user.isSuperuser],
  );
  return rows[0]!;
}

// Sessions: the cookie holds a random id; the table holds only its SHA-256, so a database dump
// does not hand out live sessions.
export async function insertSession(db: Db, idHash: string, userId: number, expires: Date): Promise<void> {
  await db.query("INSERT INTO sessions (id, user_id, expires) VALUES ($1, $2, $3)", [
    idHash,
    userId,
    expires,
  ]);
}

export async function findSessionUser(db: Db, idHash: string, now: Date): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `SELECT u.id, u.username, u.email, u.is_superuser AS "isSuperuser", u.created
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = $1 AND s.expires > $2`,
    [idHash, now],
    { name: "hwsync_find_session_user" },
  );
  return rows[0] ?? null;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.query("DELETE FROM sessions WHERE id = $1", [idHash]);
}

export async function pruneSessions(db: Db, now: Date): Promise<void> {
  await db.query("DELETE FROM sessions WHERE expires <= $1", [now]);
}

/** Which of these usernames exist (the machines list's `owner=` filter names a missing one). */
export async function existingUsernames(db: Db, usernames: string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const { rows } = await db.query<{ username: string }>(
    "SELECT username FROM users WHERE username = ANY($1::text[])",
    [usernames],
  );
  return new Set(rows.map((row) => row.username));
}

import { formatApiKey } from "@hwsync/shared";
import { type Db, isUniqueViolation } from "../db/db.ts";
import { createUserToken, listUserTokens, type NamedToken } from "../db/tokens.ts";
import {
  getPasswordHash,
  getUserById,
  getUserByUsername,
  hashPassword,
  insertUser,
  type UserRow,
  verifyPassword,
} from "../db/users.ts";
import { regionError } from "../errors.ts";

// Django's username rule, which MAAS inherits.
const USERNAME = /^[\w.@+-]{1,150}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MIN_PASSWORD = 8;

export interface NewUserInput {
  username: string;
  password?: string | null;
  email?: string | null;
  isSuperuser?: boolean;
}

function checkNewUser(input: NewUserInput): void {
  const fields: Record<string, string[]> = {};
  if (!USERNAME.test(input.username)) {
    fields.username = ["Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters."];
  }
  if (input.email && !EMAIL.test(input.email)) fields.email = ["Enter a valid email address."];
  if (input.password !== undefined && input.password !== null && input.password.length < MIN_PASSWORD) {
    fields.password = [`This password is too short. It must contain at least ${MIN_PASSWORD} characters.`];
  }
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
}

export async function createUser(db: Db, input: NewUserInput): Promise<UserRow> {
  checkNewUser(input);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await insertUser(db, {
      username: input.username,
      email: input.email ?? null,
      passwordHash,
      isSuperuser: input.isSuperuser ?? false,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: { username: ["A user with that username already exists."] },
      });
    }
    throw error;
  }
}

/** `maas-region createadmin`: an admin with a password (needed for the UI and `accounts/authenticate`). */
export async function createAdmin(
  db: Db,
  input: { username: string; password: string; email?: string | null },
): Promise<UserRow> {
  if (!input.password) {
    throw regionError("HWS_VALIDATION_FAILED", {
      fields: { password: ["An admin needs a password (--password)."] },
    });
  }
  return createUser(db, { ...input, isSuperuser: true });
}

/** First start with MAAS_ADMIN_USERNAME/PASSWORD: create that admin unless it exists already. */
export async function ensureAdmin(
  db: Db,
  input: { username: string; password: string; email?: string | null },
): Promise<{ user: UserRow; created: boolean }> {
  const existing = await getUserByUsername(db, input.username);
  if (existing) return { user: existing, created: false };
  try {
    return { user: await createAdmin(db, input), created: true };
  } catch (error) {
    // Region processes starting together on one database race to create the admin; the loser
    // finds the winner's row instead of failing its start-up.
    const raced = await getUserByUsername(db, input.username);
    if (raced) return { user: raced, created: false };
    throw error;
  }
}

/** The user's first API key, or a new one when the user has none (`maas-region apikey`). */
export async function getOrCreateApiKey(db: Db, username: string): Promise<string> {
  const user = await getUserByUsername(db, username);
  if (!user) throw regionError("HWS_NOT_FOUND", { model: "User" });
  const [first] = await listUserTokens(db, user.id);
  return formatApiKey({ ...(first ?? (await createUserToken(db, user.id))), consumerSecret: "" });
}

/** Username + password → the user, or null (same answer for unknown user and wrong password). */
export async function checkPassword(db: Db, username: string, password: string): Promise<UserRow | null> {
  const stored = await getPasswordHash(db, username);
  // Hash anyway when the user is unknown, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, stored?.hash ?? DUMMY_HASH);
  if (!stored || !ok) return null;
  return getUserById(db, stored.id);
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** The JSON MAAS returns for a token (`accounts/authenticate/`, `account/?op=create_authorisation_token`). */
export function tokenJson(token: NamedToken): Record<string, string> {
  return {
    consumer_key: token.consumerKey,
    name: token.name ?? "",
    token_key: token.tokenKey,
    token_secret: token.tokenSecret,
  };
}

/** `users/?op=whoami` and the user list items. */
export function userJson(user: UserRow): Record<string, unknown> {
  return {
    username: user.username,
    email: user.email ?? "",
    is_local: true,
    is_superuser: user.isSuperuser,
    resource_uri: `/MAAS/api/2.0/users/${encodeURIComponent(user.username)}/`,
  };
}

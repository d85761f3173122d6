import { ErrorCode } from "@hwsync/shared/errors";
import { RegionRequestError } from "./region-error.ts";
import type { HardwareHistoryEntry, MachineHardware, RegionEvent } from "./types.ts";

// The session cookie rides along on same-origin requests; the region accepts it on these GETs
// in place of an OAuth key (docs/architecture.md).
const API = "/MAAS/api/2.0";

/** Posts the login form. Resolves once the region has set `sessionid`; throws on bad credentials. */
export async function login(username: string, password: string): Promise<void> {
  const response = await send("/MAAS/accounts/login/", {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    // A Django-style region answers a good login with a redirect: success either way, and
    // following it would only fetch a page we do not need.
    redirect: "manual",
  });
  if (response.type === "opaqueredirect" || response.ok) return;
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    throw new RegionRequestError(ErrorCode.AUTH_REJECTED, "Wrong username or password.", {
      status: response.status,
    });
  }
  throw await statusError("POST", "/MAAS/accounts/login/", response);
}

export async function logout(): Promise<void> {
  await send("/MAAS/accounts/logout/", { method: "POST", redirect: "manual" });
}

export function getHardware(systemId: string): Promise<MachineHardware> {
  return getJson(`${API}/machines/${encodeURIComponent(systemId)}/?op=hardware`);
}

export function getHardwareHistory(systemId: string): Promise<HardwareHistoryEntry[]> {
  return getJson(`${API}/machines/${encodeURIComponent(systemId)}/?op=hardware_history`);
}

export async function getEvents(systemId: string, limit = 50): Promise<RegionEvent[]> {
  const body = await getJson<{ events: RegionEvent[] }>(
    `${API}/events/?op=query&id=${encodeURIComponent(systemId)}&limit=${limit}`,
  );
  return body.events;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await send(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw await statusError("GET", url, response);
  return (await response.json()) as T;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { credentials: "same-origin", ...init });
  } catch (cause) {
    throw new RegionRequestError(
      ErrorCode.NET_UNREACHABLE,
      `Could not reach the region (${url}). Check that it is running.`,
      { cause },
    );
  }
}

async function statusError(method: string, url: string, response: Response): Promise<RegionRequestError> {
  const text = (await response.text()).trim().slice(0, 300);
  const code =
    response.status === 401 || response.status === 403
      ? ErrorCode.AUTH_REJECTED
      : response.status === 404
        ? ErrorCode.NOT_FOUND
        : ErrorCode.API_STATUS;
  const hint = code === ErrorCode.AUTH_REJECTED ? " Your session may have expired: log in again." : "";
  return new RegionRequestError(
    code,
    `[${method}] ${url}: ${response.status} ${response.statusText}${text ? ` — ${text}` : ""}.${hint}`,
    { status: response.status },
  );
}

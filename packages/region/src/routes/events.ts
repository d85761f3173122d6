import { type EventsQueryJson, formatMaasEventTime } from "@hwsync/shared";
import type { FastifyInstance } from "fastify";
import { requireUser } from "../auth.ts";
import { allValues, type FormBody, firstValue, queryFields, requestOp } from "../body.ts";
import { type EventFilter, queryEvents } from "../db/events.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { eventTypeDescription } from "../services/events.ts";

// `GET /MAAS/api/2.0/events/?op=query` (docs/maas-compatibility.md#events).

const EVENTS_DEFAULT_LIMIT = 100;
const EVENTS_MAX_LIMIT = 1000;

// MAAS's levels (Python logging numbers); a query asks for a minimum level. AUDIT sits apart:
// asking for it returns AUDIT events only, and no other level includes them.
const LEVELS: Record<string, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

function levelsFrom(level: string | undefined): string[] {
  const name = (level ?? "INFO").toUpperCase();
  if (name === "AUDIT") return ["AUDIT"];
  const minimum = LEVELS[name];
  if (minimum === undefined)
    throw regionError("HWS_BAD_REQUEST", { message: `Unrecognised log level: ${level}` });
  return Object.keys(LEVELS).filter((key) => LEVELS[key]! >= minimum);
}

function eventId(query: FormBody, name: string): number | undefined {
  const raw = firstValue(query, name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw.trim()))
    throw regionError("HWS_BAD_REQUEST", {
      message: `Invalid ${name}: ${raw} is not an event id (a whole number).`,
    });
  return Number(raw);
}

function parseEventsQuery(query: FormBody): EventFilter {
  const after = eventId(query, "after");
  const before = eventId(query, "before");
  if (after !== undefined && before !== undefined) {
    throw regionError("HWS_BAD_REQUEST", {
      message: "There is undetermined behaviour when both `after` and `before` are specified.",
    });
  }
  let limit = EVENTS_DEFAULT_LIMIT;
  const rawLimit = firstValue(query, "limit");
  if (rawLimit !== undefined && rawLimit !== "") {
    if (!/^-?\d+$/.test(rawLimit.trim()))
      throw regionError("HWS_BAD_REQUEST", { message: `Invalid limit: ${rawLimit} is not a whole number.` });
    limit = Number(rawLimit);
    if (limit > EVENTS_MAX_LIMIT) {
      throw regionError("HWS_BAD_REQUEST", {
        message: `Requested number of events ${limit} is greater than limit: ${EVENTS_MAX_LIMIT}`,
      });
    }
    limit = Math.max(limit, 1);
  }
  const owner = firstValue(query, "owner");
  return {
    systemIds: allValues(query, "id"),
    hostnames: allValues(query, "hostname"),
    macAddresses: allValues(query, "mac_address").map((mac) => mac.toLowerCase()),
    ...(owner !== undefined ? { owner } : {}),
    levels: levelsFrom(firstValue(query, "level")),
    ...(after !== undefined ? { after } : {}),
    ...(before !== undefined ? { before } : {}),
    limit,
  };
}

function pageUri(query: FormBody, bound: "after" | "before", id: number): string {
  const params = new URLSearchParams();
  params.append("op", "query");
  for (const [key, value] of Object.entries(query)) {
    if (key === "op" || key === "after" || key === "before") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  params.append(bound, String(id));
  return `/MAAS/api/2.0/events/?${params.toString()}`;
}

export function registerEventsRoutes(app: FastifyInstance, { db }: AppDeps): void {
  app.get("/MAAS/api/2.0/events/", async (request, reply) => {
    const user = requireUser(request);
    const op = requestOp(request);
    if (op !== "query") throw regionError("HWS_UNRECOGNISED_SIGNATURE", { method: "GET", op });
    const query = queryFields(request);
    const filter = parseEventsQuery(query);
    // Like MAAS's machine visibility: others' machines stay hidden from non-admins.
    if (!user.isSuperuser) filter.visibleToUserId = user.id;
    const page = await queryEvents(db, filter);
    const newest =
      page.events[0]?.id ?? filter.after ?? (filter.before !== undefined ? filter.before - 1 : 0);
    const oldest = page.events.at(-1)?.id ?? (filter.after !== undefined ? filter.after + 1 : undefined);
    const body: EventsQueryJson = {
      count: page.events.length,
      events: page.events.map((event) => ({
        username: event.username ?? "unknown",
        node: event.systemId,
        hostname: event.hostname,
        id: event.id,
        level: event.level,
        created: formatMaasEventTime(event.created),
        type: eventTypeDescription(event.type),
        description: event.description,
      })),
      next_uri: pageUri(query, "after", newest),
      prev_uri: page.hasOlder && oldest !== undefined ? pageUri(query, "before", oldest) : null,
    };
    return reply.type("application/json").send(body);
  });
}

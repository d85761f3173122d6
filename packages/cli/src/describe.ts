// The generic command tree, built from a region's `GET describe/` the way MAAS's own CLI builds it
// (docs/maas-compatibility.md#the-api-description-and-maass-cli): resource names from handler class
// names, actions with `_` → `-`, positionals from the handler's `params`.

export interface DescribedAction {
  name: string;
  method: string;
  op: string | null;
  restful?: boolean;
  doc?: string;
}

export interface DescribedHandler {
  name: string;
  doc?: string;
  params?: string[];
  path: string;
  uri?: string;
  actions: DescribedAction[];
}

export interface ApiDescription {
  doc?: string;
  hash?: string;
  resources: Array<{ name: string; auth: DescribedHandler | null; anon: DescribedHandler | null }>;
  handlers?: DescribedHandler[];
}

export interface ActionSpec {
  /** CLI name: `set-config`. */
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  op: string | null;
  summary: string;
  doc: string;
  /** `:param` names documented for the action, for help and completion. */
  params: string[];
}

export interface ResourceSpec {
  /** CLI name: `machine`, `boot-source-selections`. */
  name: string;
  handler: string;
  summary: string;
  /** Absolute path template from the origin: `/MAAS/api/2.0/machines/{system_id}/`. */
  path: string;
  positionals: string[];
  actions: ActionSpec[];
}

/**
 * `BootSourceSelectionsHandler` → `boot-source-selections`, `IPAddressesHandler` → `ipaddresses`:
 * a word is capitals then lower case/digits, or a run of capitals, as MAAS's CLI splits them.
 */
export function resourceName(handlerName: string): string {
  const words = handlerName.match(/(?:[A-Z]*[a-z0-9]+|[A-Z]+)(?![a-z0-9])/g) ?? [handlerName];
  return words
    .map((word) => word.toLowerCase())
    .filter((word) => word !== "handler")
    .join("-");
}

/** `set_config` → `set-config`. */
export function actionName(name: string): string {
  return name.replaceAll("_", "-");
}

/** The doc's first non-empty line, as the CLI's one-line help. */
function docSummary(doc: string | undefined): string {
  const line = (doc ?? "").split("\n").find((text) => text.trim() !== "");
  return (line ?? "").trim();
}

/** Names from `:param name:` lines, in order, without duplicates. */
export function docParams(doc: string | undefined): string[] {
  const names: string[] = [];
  for (const match of (doc ?? "").matchAll(/^\s*:param\s+(?:[\w\s]*\s)?([\w-]+)\s*:/gm)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const METHODS = new Set(["GET", "POST", "PUT", "DELETE"]);

/**
 * Resources of a description. An anonymous profile sees only `anon` handlers; otherwise `auth`
 * and `anon` are merged by action name, the authenticated handler's action winning (MAAS CLI).
 */
export function describeResources(description: ApiDescription, anonymous = false): ResourceSpec[] {
  const resources: ResourceSpec[] = [];
  for (const entry of description.resources ?? []) {
    const handlers = (anonymous ? [entry.anon] : [entry.auth, entry.anon]).filter(
      (handler): handler is DescribedHandler => handler !== null && handler !== undefined,
    );
    const primary = handlers[0];
    if (!primary) continue;
    const actions = new Map<string, ActionSpec>();
    for (const handler of handlers) {
      for (const action of handler.actions ?? []) {
        const name = actionName(action.name);
        const method = action.method.toUpperCase();
        if (actions.has(name) || !METHODS.has(method)) continue;
        actions.set(name, {
          name,
          method: method as ActionSpec["method"],
          op: action.op ?? null,
          summary: docSummary(action.doc),
          doc: action.doc ?? "",
          params: docParams(action.doc),
        });
      }
    }
    resources.push({
      name: resourceName(entry.name ?? primary.name),
      handler: primary.name,
      summary: docSummary(primary.doc),
      path: primary.path ?? new URL(primary.uri ?? "/").pathname,
      positionals: primary.params ?? [],
      actions: [...actions.values()].sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return resources.sort((a, b) => a.name.localeCompare(b.name));
}

/** True when the region documents `param` for `resource action` (feature detection). */
export function supportsParam(
  description: ApiDescription | null,
  resource: string,
  action: string,
  param: string,
): boolean {
  if (!description) return false;
  const spec = describeResources(description).find((item) => item.name === resource);
  const found = spec?.actions.find((item) => item.name === action);
  return found !== undefined && (found.params.includes(param) || found.doc.includes(param));
}

/** Fills `{system_id}` placeholders in order; values are URL-encoded so an id can't change the path. */
export function fillPath(path: string, positionals: string[], values: string[]): string {
  let filled = path;
  positionals.forEach((name, index) => {
    filled = filled.replace(`{${name}}`, encodeURIComponent(values[index] ?? ""));
  });
  return filled;
}

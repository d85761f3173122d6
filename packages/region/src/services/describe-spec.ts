// The building blocks of the API description (docs/maas-compatibility.md#the-api-description-and-maass-cli):
// handler and action specs, and the doc text MAAS's CLI reads `:param` lines from.

export type Method = "GET" | "POST" | "PUT" | "DELETE";
export type ParamType = "String" | "Int" | "Boolean";

export interface Param {
  name: string;
  required?: boolean;
  type?: ParamType;
  doc: string;
}

export interface ActionSpec {
  name: string;
  method: Method;
  op: string | null;
  title: string;
  body: string;
  params?: Param[];
}

export interface HandlerSpec {
  name: string;
  doc: string;
  path: string;
  params: string[];
  actions: ActionSpec[];
}

export interface ResourceSpec {
  auth: HandlerSpec | null;
  anon: HandlerSpec | null;
}

export const API = "/MAAS/api/2.0";

/** Title, blank line, body, then `:param`/`:type` blocks, the layout the CLI parses. */
export function actionDoc(action: ActionSpec): string {
  let doc = `${action.title}\n\n${action.body}`;
  for (const param of action.params ?? []) {
    doc += `\n\n:param ${param.name}: ${param.required ? "Required" : "Optional"}.  ${param.doc}\n:type ${param.name}: ${param.type ?? "String"}`;
  }
  return `${doc}\n\n `;
}

export const crud = (method: Method, title: string, body: string, params?: Param[]): ActionSpec => ({
  name: { GET: "read", POST: "create", PUT: "update", DELETE: "delete" }[method],
  method,
  op: null,
  title,
  body,
  params,
});

export const op = (
  method: Method,
  name: string,
  title: string,
  body: string,
  params?: Param[],
): ActionSpec => ({
  name,
  method,
  op: name,
  title,
  body,
  params,
});

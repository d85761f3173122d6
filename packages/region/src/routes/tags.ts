import type { FastifyInstance } from "fastify";
import { allValues, type FormBody, firstValue, formFields } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { machinesToJson } from "../services/machine-json.ts";
import {
  createTag,
  deleteTagByName,
  findTag,
  listTags,
  machinesWithTag,
  rebuildTag,
  type TagInput,
  tagJson,
  updateTagByName,
  updateTagNodes,
} from "../services/tag-admin.ts";
import { deleted, registerHandler } from "./dispatch.ts";

// MAAS's TagsHandler (`tags/`) and TagHandler (`tags/{name}/`).

function tagInput(form: FormBody): TagInput {
  return {
    name: firstValue(form, "name"),
    comment: firstValue(form, "comment"),
    definition: firstValue(form, "definition"),
    kernelOpts: firstValue(form, "kernel_opts"),
  };
}

export function registerTagsRoutes(app: FastifyInstance, { db, clock }: AppDeps): void {
  registerHandler(app, "/MAAS/api/2.0/tags/", {
    GET: { "": async () => (await listTags(db)).map(tagJson) },
    POST: {
      "": async (request, _reply, user) => tagJson(await createTag(db, user, tagInput(formFields(request)))),
    },
  });
  type Params = { name: string };
  const machines = async (name: string, user: Parameters<typeof machinesWithTag>[1]) =>
    machinesToJson(db, await machinesWithTag(db, user, name), clock.now());
  const noneOf = async (name: string) => {
    await findTag(db, name);
    return [];
  };
  registerHandler<Params>(app, "/MAAS/api/2.0/tags/:name/", {
    GET: {
      "": async (request) => tagJson(await findTag(db, request.params.name)),
      machines: async (request, _reply, user) => machines(request.params.name, user),
      // Every node here is a machine.
      nodes: async (request, _reply, user) => machines(request.params.name, user),
      // This region has no devices or controllers: the tag's lists of them are empty.
      devices: async (request) => noneOf(request.params.name),
      rack_controllers: async (request) => noneOf(request.params.name),
      region_controllers: async (request) => noneOf(request.params.name),
    },
    PUT: {
      "": async (request, _reply, user) =>
        tagJson(await updateTagByName(db, user, request.params.name, tagInput(formFields(request)))),
    },
    DELETE: {
      "": async (request, reply, user) => {
        await deleteTagByName(db, user, request.params.name);
        return deleted(reply);
      },
    },
    POST: {
      update_nodes: async (request, _reply, user) => {
        const form = formFields(request);
        return updateTagNodes(db, user, request.params.name, {
          add: allValues(form, "add"),
          remove: allValues(form, "remove"),
          definition: firstValue(form, "definition"),
        });
      },
      rebuild: async (request, _reply, user) => rebuildTag(db, user, request.params.name),
    },
  });
}

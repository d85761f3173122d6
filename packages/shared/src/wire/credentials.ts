import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { ErrorCode } from "../errors.ts";
import type { ApiCredentials } from "../oauth.ts";
import { ValidationError, validateWith } from "./validate.ts";

// /etc/maas/maas-machine-creds.yml (spec/maas-wire-api.md §7.4): keys sorted, block style.
const machineCredentialsSchema = z.looseObject({
  reporting: z.looseObject({
    maas: z.looseObject({
      consumer_key: z.string().min(1),
      endpoint: z.url({ protocol: /^https?$/ }),
      token_key: z.string().min(1),
      token_secret: z.string().min(1),
      consumer_secret: z.string().optional(),
    }),
  }),
});
export type MachineCredentialsFile = z.infer<typeof machineCredentialsSchema>;

/** What the agent needs from the credentials file. */
export interface MachineCredentials extends ApiCredentials {
  endpoint: string;
  /** `scheme://host:port` of the endpoint: the metadata API lives at `<base>/MAAS/metadata/…`. */
  baseUrl: string;
}

/** Parses the credentials YAML; errors name the missing key (`reporting.maas.token_key`). */
export function parseMachineCredentials(text: string): MachineCredentials {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ValidationError(
      "credentials file",
      [{ path: "", message: `not valid YAML: ${(error as Error).message.split("\n")[0]}` }],
      ErrorCode.CREDENTIALS_INVALID,
    );
  }
  const maas = validateWith(
    machineCredentialsSchema,
    document,
    "credentials file",
    ErrorCode.CREDENTIALS_INVALID,
  ).reporting.maas;
  const url = new URL(maas.endpoint);
  return {
    consumerKey: maas.consumer_key,
    tokenKey: maas.token_key,
    tokenSecret: maas.token_secret,
    consumerSecret: maas.consumer_secret ?? "",
    endpoint: maas.endpoint,
    baseUrl: `${url.protocol}//${url.host}`,
  };
}

/** Renders the credentials YAML the way MAAS's vendor-data writes it (sorted keys, block style). */
export function renderMachineCredentials(input: {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
  endpoint: string;
}): string {
  return stringifyYaml(
    {
      reporting: {
        maas: {
          consumer_key: input.consumerKey,
          endpoint: input.endpoint,
          token_key: input.tokenKey,
          token_secret: input.tokenSecret,
        },
      },
    },
    { sortMapEntries: true },
  );
}

import {
  ApiClient,
  type ApiClientOptions,
  type ApiResponse,
  type RequestOptions,
} from "@hwsync/shared/client";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { parseApiKey } from "@hwsync/shared/oauth";
import { parseIntervalSeconds } from "@hwsync/shared/time-span";
import type { ApiDescription } from "./describe.ts";
import type { Output } from "./output.ts";
import { DESCRIBE_PATH } from "./paths.ts";
import type { Profile } from "./profiles.ts";

const USER_AGENT = "maas-hwsync-cli/0.1.0";
const DEFAULT_TIMEOUT_SECONDS = 30;
// Two quick retries of idempotent calls: enough for a region restart, short enough that
// "region down" is reported within about a second.
const DEFAULT_RETRIES = 2;

export interface ConnectOptions {
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  output: Output;
  dispatcher?: ApiClientOptions["dispatcher"];
  debug?: boolean;
}

/** `MAAS_HWSYNC_TIMEOUT` (seconds or a span) and `MAAS_HWSYNC_RETRIES`, validated. */
function requestSettings(env: Record<string, string | undefined>): {
  timeoutMs: number;
  retries: number;
} {
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (env.MAAS_HWSYNC_TIMEOUT) {
    try {
      timeoutSeconds = parseIntervalSeconds(env.MAAS_HWSYNC_TIMEOUT);
    } catch (error) {
      throw new HwsError(ErrorCode.USAGE, `MAAS_HWSYNC_TIMEOUT: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  let retries = DEFAULT_RETRIES;
  if (env.MAAS_HWSYNC_RETRIES !== undefined && env.MAAS_HWSYNC_RETRIES !== "") {
    retries = Number(env.MAAS_HWSYNC_RETRIES);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      throw new HwsError(
        ErrorCode.USAGE,
        `MAAS_HWSYNC_RETRIES '${env.MAAS_HWSYNC_RETRIES}' is not a whole number from 0 to 10.`,
      );
    }
  }
  return { timeoutMs: timeoutSeconds * 1000, retries };
}

/** ApiClient bound to one profile: passes the abort signal and watches the API description hash. */
export class RegionApi {
  readonly profile: Profile;
  readonly client: ApiClient;
  private readonly options: ConnectOptions;
  private warnedHash = false;

  constructor(profile: Profile, options: ConnectOptions) {
    const { timeoutMs, retries } = requestSettings(options.env);
    this.profile = profile;
    this.options = options;
    this.client = new ApiClient({
      url: profile.url,
      credentials: profile.credentials ? parseApiKey(profile.credentials) : null,
      timeoutMs,
      retry: { retries, minDelayMs: 200, maxDelayMs: 1000 },
      dispatcher: options.dispatcher,
      userAgent: USER_AGENT,
      onRetry: options.debug
        ? ({ attempt, error }) => options.output.note(`retrying after attempt ${attempt}: ${error.message}`)
        : undefined,
    });
  }

  async request<T = unknown>(options: RequestOptions): Promise<ApiResponse<T>> {
    const response = await this.client.request<T>({ signal: this.options.signal, ...options });
    await this.checkHash(response.headers["x-maas-api-hash"]);
    return response;
  }

  get<T = unknown>(path: string, op?: string, query?: RequestOptions["query"]): Promise<ApiResponse<T>> {
    return this.request<T>({ method: "GET", path, op, query });
  }

  post<T = unknown>(path: string, op?: string, form?: RequestOptions["form"]): Promise<ApiResponse<T>> {
    return this.request<T>({ method: "POST", path, op, form });
  }

  /** `GET describe/` unsigned, as MAAS's CLI fetches it; anything but a description is an error. */
  async describe(): Promise<ApiDescription> {
    const { body } = await this.request<ApiDescription>({
      method: "GET",
      path: DESCRIBE_PATH,
      anonymous: true,
    });
    if (typeof body !== "object" || body === null || !Array.isArray(body.resources)) {
      throw new HwsError(
        ErrorCode.API_STATUS,
        `${this.profile.url}${DESCRIBE_PATH} did not return a MAAS API description`,
        {
          hint: "check the URL: it should be the region's API, e.g. http://region:5240/MAAS/",
        },
      );
    }
    return body;
  }

  // MAAS's CLI warns when the region's API differs from the cached description; so do we, once.
  private async checkHash(header: string | string[] | undefined): Promise<void> {
    const hash = Array.isArray(header) ? header[0] : header;
    if (this.warnedHash || !hash || !this.profile.descriptionHash || hash === this.profile.descriptionHash)
      return;
    this.warnedHash = true;
    await this.options.output.warn(
      `the API on ${this.profile.url} differs from the description stored for '${this.profile.name}': run maas refresh`,
    );
  }
}

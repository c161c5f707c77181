/**
 * The URL schemes of the backend stores, registered with {@link registerUrlScheme} so that
 * `storeFromUrl`/`open("s3://...")` reach them: `http(s)://` → {@link HTTPStore}, `s3://bucket/prefix`
 * → {@link S3Store}, `abfs://container/prefix` and `az://container/prefix` → {@link ABSStore}.
 * Storage options take fsspec's names (as zarr-python's `storage_options`) or this package's.
 * @module
 */
import { ZarrError } from "../errors.ts";
import { ABSStore } from "./abs.ts";
import { HTTPStore } from "./http.ts";
import { S3Store } from "./s3.ts";
import type { RemoteFactory, StorageOptions } from "./url.ts";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** fsspec puts client settings under `client_kwargs`. */
function clientKwargs(o: StorageOptions): Record<string, unknown> {
  const ck = o.client_kwargs;
  return typeof ck === "object" && ck !== null ? (ck as Record<string, unknown>) : {};
}

function httpStore(url: URL, o: StorageOptions): HTTPStore {
  const headers = (o.headers ?? clientKwargs(o).headers) as Record<string, string> | undefined;
  return new HTTPStore(url, { headers, retries: typeof o.retries === "number" ? o.retries : undefined, fetch: o.fetch as typeof fetch | undefined });
}
async function s3Store(url: URL, o: StorageOptions): Promise<S3Store> {
  const ck = clientKwargs(o);
  const key = str(o.key) ?? str((o.credentials as { accessKeyId?: string } | undefined)?.accessKeyId);
  const secret = str(o.secret) ?? str((o.credentials as { secretAccessKey?: string } | undefined)?.secretAccessKey);
  const token = str(o.token) ?? str((o.credentials as { sessionToken?: string } | undefined)?.sessionToken);
  const endpoint = str(o.endpoint) ?? str(o.endpoint_url) ?? str(ck.endpoint_url);
  return new S3Store({
    bucket: url.hostname,
    prefix: decodeURIComponent(url.pathname),
    endpoint,
    region: str(o.region) ?? str(ck.region_name),
    credentials: key && secret ? { accessKeyId: key, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } : undefined,
    forcePathStyle: typeof o.forcePathStyle === "boolean" ? o.forcePathStyle : endpoint !== undefined ? true : undefined,
  });
}


async function absStore(url: URL, o: StorageOptions): Promise<ABSStore> {
  // abfs://container/prefix, or abfs://container@account.dfs.core.windows.net/prefix
  const container = url.username ? decodeURIComponent(url.username) : url.hostname;
  let connectionString = str(o.connectionString) ?? str(o.connection_string);
  const account = str(o.account_name) ?? (url.username ? url.hostname.split(".")[0] : undefined);
  const accountKey = str(o.account_key);
  if (!connectionString && account && accountKey) {
    connectionString = `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=${accountKey};EndpointSuffix=core.windows.net`;
  }
  if (!connectionString) throw new ZarrError(`cannot open ${url.href}: ABSStore needs storage options connection_string, or account_name and account_key`);
  return new ABSStore({ container, prefix: decodeURIComponent(url.pathname), connectionString });
}
/** The remote schemes zarrflow ships, loaded by `storeFromUrl` only when a URL names one. */
export const builtinRemoteSchemes: Readonly<Record<string, RemoteFactory>> = Object.freeze({
  http: async (url: URL, o: StorageOptions) => httpStore(url, o),
  https: async (url: URL, o: StorageOptions) => httpStore(url, o),
  s3: s3Store,
  abfs: absStore,
  az: absStore,
});

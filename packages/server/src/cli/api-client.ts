import { CliFailure, UsageError } from './cli-errors.ts';

/** Default server the CLI talks to (what `hookline serve` listens on by default). */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ApiClientOptions {
  server: string;
  apiKey: string | undefined;
  fetch?: typeof fetch;
}

/** One answer of the API: status and parsed JSON (null for an empty body). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * The CLI's only way to the server: the public HTTP API. Errors come back as CliFailure carrying the
 * API's stable error code and message, so every command reports them the same way.
 */
export interface ApiClient {
  readonly server: string;
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
}

/** Builds a client; the key is required because every `/v1` route needs one. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const server = options.server.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  return {
    server,
    async request(method, path, body) {
      if (!options.apiKey) {
        throw new UsageError(
          'no API key: pass --api-key hk_… or set HOOKLINE_API_KEY (the first `hookline serve` prints one)',
        );
      }
      const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await doFetch(`${server}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new CliFailure(
          'server_unreachable',
          `cannot reach ${server} (${cause}): is \`hookline serve\` running? Pass --server URL otherwise`,
        );
      }
      const text = await response.text();
      let parsed: unknown = null;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if (response.status >= 400) {
        const apiError = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
        const code = apiError?.code ?? `http_${response.status}`;
        const hint = response.status === 401 ? ' (check --api-key / HOOKLINE_API_KEY)' : '';
        throw new CliFailure(code, `${response.status} ${code}: ${apiError?.message ?? text}${hint}`);
      }
      return { status: response.status, body: parsed };
    },
  };
}

/** Flags every API command takes. */
export const API_FLAGS = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The client from `--server`/`--api-key`, falling back to HOOKLINE_SERVER/HOOKLINE_API_KEY. */
export function clientFromFlags(
  flags: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): ApiClient {
  const server = (flags.server as string | undefined) ?? env.HOOKLINE_SERVER ?? DEFAULT_SERVER;
  const apiKey = (flags['api-key'] as string | undefined) ?? env.HOOKLINE_API_KEY;
  return createApiClient({ server, apiKey });
}

/** Follows `nextCursor` until the last page (bounded, so a broken server cannot loop forever). */
export async function listAll(client: ApiClient, path: string, maxPages = 100): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const { body } = await client.request('GET', url);
    const { data, nextCursor } = body as { data: unknown[]; nextCursor?: string | null };
    items.push(...data);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return items;
}

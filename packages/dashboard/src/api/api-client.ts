import type { ErrorBody } from './types.ts';

/** A failed API call: the catalog's code and message (docs/errors.md), shown to the user as is. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface ApiClient {
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** An open streaming response (Server-Sent Events); the caller reads and cancels it. */
  stream(path: string, options: { signal: AbortSignal; lastEventId?: string | null }): Promise<Response>;
}

export interface ApiClientOptions {
  /** The API key, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Same origin by default: the gateway serves both the UI and the API. */
  baseUrl?: string;
  /** Called on a 401 (revoked or mistyped key) so the app can return to sign-in. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The typed client every page uses. Bodies go out as JSON; a non-2xx answer becomes an
 * `ApiRequestError` with the server's coded error (or `network_error` / `bad_response` when there is none).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(method: string, path: string, body?: unknown, extra?: RequestInit): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: { ...headers, ...(extra?.headers as Record<string, string> | undefined) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(extra?.signal ? { signal: extra.signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiRequestError(
        0,
        'network_error',
        `The gateway did not answer (${(error as Error).message}).`,
      );
    }
    if (response.ok) return response;
    const failure = await errorOf(response);
    if (response.status === 401) options.onUnauthorized?.();
    throw failure;
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(method, path, body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  return {
    get: (path, query) => json('GET', `${path}${queryString(query)}`),
    post: (path, body) => json('POST', path, body ?? {}),
    patch: (path, body) => json('PATCH', path, body),
    put: (path, body) => json('PUT', path, body),
    delete: async (path) => {
      await send('DELETE', path);
    },
    stream: (path, { signal, lastEventId }) =>
      send('GET', path, undefined, {
        signal,
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      }),
  };
}

async function errorOf(response: Response): Promise<ApiRequestError> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<ErrorBody>;
    if (parsed.error && typeof parsed.error.code === 'string') {
      return new ApiRequestError(response.status, parsed.error.code, parsed.error.message ?? '');
    }
  } catch {
    // Not JSON (a proxy's error page): fall through.
  }
  return new ApiRequestError(
    response.status,
    'bad_response',
    `Unexpected answer ${response.status} ${response.statusText}`.trim(),
  );
}

import { endpointSecretProblem } from '../../../server/src/api/endpoint-secret-rules.ts';
import type { Endpoint, Json } from '../api/types.ts';
import { parseHeaderLines, parseList } from './form-parsers.ts';
import { retryScheduleError, retryScheduleOf, retryScheduleText } from './retry-schedule.ts';

// The API's rule for a given signing secret (Node-free), for the create form and secret rotation.
export { endpointSecretProblem };

/**
 * The endpoint form as text fields, the checks run as the user types, and the API body it becomes.
 * The checks mirror the server's (delivery/event-type-match.ts, endpoint-headers.ts, payload-filter.ts)
 * closely enough to catch typing mistakes early; the server stays the judge, and its coded error is shown
 * on submit when it disagrees (an SSRF-blocked address, a filter operator typo).
 */

export const SIGNING_SCHEMES = ['standard-webhooks-v1', 'standard-webhooks-v1a', 'hmac', 'token'] as const;
export type SigningSchemeName = (typeof SIGNING_SCHEMES)[number];

export interface EndpointFormState {
  url: string;
  description: string;
  tenant: string;
  /** Event-type patterns, one per line or comma-separated; empty for every event type. */
  eventTypes: string;
  channels: string;
  /** Ids of the sources whose messages it receives; none for every message (published ones included). */
  sources: string[];
  /** A JSON payload filter document, or empty for none. */
  payloadFilter: string;
  /** `Name: value`, one per line. */
  headers: string;
  timeoutSeconds: string;
  /** Delays before each retry (`5s, 5m, 2h`), `none` for a single attempt; empty for the server's. */
  retrySchedule: string;
  rateLimitPerSecond: string;
  maxConcurrency: string;
  scheme: SigningSchemeName;
  signingHeader: string;
  algorithm: 'sha256' | 'sha1' | 'sha512';
  encoding: 'hex' | 'base64';
  signaturePrefix: string;
  timestampHeader: string;
  /** hmac: what is signed, e.g. `{timestamp}.{body}`; empty signs the body alone. */
  signedContent: string;
  /** The signing secret to start with (create only), e.g. the receiver's existing one; empty to generate. */
  secret: string;
}

export type EndpointFormErrors = Partial<Record<keyof EndpointFormState, string>>;
/** The fields edited as text (every field but the sources picked). */
export type EndpointTextField = Exclude<keyof EndpointFormState, 'sources'>;

export function emptyEndpointForm(): EndpointFormState {
  return {
    url: '',
    description: '',
    tenant: '',
    eventTypes: '',
    channels: '',
    sources: [],
    payloadFilter: '',
    headers: '',
    timeoutSeconds: '15',
    retrySchedule: '',
    rateLimitPerSecond: '',
    maxConcurrency: '',
    scheme: 'standard-webhooks-v1',
    signingHeader: '',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: '',
    timestampHeader: '',
    signedContent: '',
    secret: '',
  };
}

/** The form filled from a saved endpoint (edit). */
export function endpointFormOf(endpoint: Endpoint): EndpointFormState {
  const signing = (endpoint.signing ?? {}) as Record<string, Json>;
  const text = (value: Json | undefined) => (typeof value === 'string' ? value : '');
  const scheme = SIGNING_SCHEMES.find((name) => name === signing.scheme) ?? 'standard-webhooks-v1';
  return {
    ...emptyEndpointForm(),
    url: endpoint.url,
    description: endpoint.description ?? '',
    tenant: endpoint.tenant ?? '',
    eventTypes: (endpoint.eventTypes ?? []).join('\n'),
    channels: (endpoint.channels ?? []).join(', '),
    sources: endpoint.sources ?? [],
    payloadFilter:
      endpoint.payloadFilter === null || endpoint.payloadFilter === undefined
        ? ''
        : JSON.stringify(endpoint.payloadFilter, null, 2),
    headers: Object.entries(endpoint.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    timeoutSeconds: endpoint.timeoutMs === null ? '' : String(endpoint.timeoutMs / 1000),
    retrySchedule: retryScheduleText(endpoint.retrySchedule ?? null),
    rateLimitPerSecond: endpoint.rateLimitPerSecond === null ? '' : String(endpoint.rateLimitPerSecond),
    maxConcurrency: endpoint.maxConcurrency === null ? '' : String(endpoint.maxConcurrency),
    scheme,
    signingHeader: text(signing.header),
    algorithm: signing.algorithm === 'sha1' || signing.algorithm === 'sha512' ? signing.algorithm : 'sha256',
    encoding: signing.encoding === 'base64' ? 'base64' : 'hex',
    signaturePrefix: text(signing.prefix),
    timestampHeader: text(signing.timestampHeader),
    signedContent: text(signing.signedContent),
  };
}

const SEGMENT = /^[^.*\s]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** The SigningScheme schema's bounds (api/schemas/resources.ts). */
const MAX_PREFIX = 64;
const SIGNED_CONTENT_LENGTH = { min: 6, max: 128 };
const TENANT = /^[A-Za-z0-9_.:-]+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The server's rule for one event-type pattern (`invoice.*`, `*.created`, `*`). */
export function eventTypePatternError(pattern: string): string | undefined {
  if (pattern.length > 256) return `"${pattern.slice(0, 20)}…" is longer than 256 characters`;
  for (const segment of pattern.split('.')) {
    if (segment === '*') continue;
    if (segment === '') return `"${pattern}" has an empty segment`;
    if (!SEGMENT.test(segment)) return `"${pattern}": "${segment}" must be "*" or hold no "*", "." or spaces`;
  }
  return undefined;
}

/** `https://…` or `http://…` with a host; the server adds the SSRF check on save. */
export function urlError(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'The URL is required.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL: it must look like https://example.com/webhooks.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Only http:// and https:// URLs.';
  if (url.username !== '' || url.password !== '') return 'Put credentials in a header, not in the URL.';
  return undefined;
}

/** Parse check of the payload filter: a JSON object (the server checks the operators). */
export function payloadFilterError(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'A filter is a JSON object, e.g. {"data.amount": {"$gte": 100}}.';
  }
  return undefined;
}

function integerError(text: string, min: number, max: number, what: string): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    return `${what}: a whole number from ${min} to ${max}.`;
  return undefined;
}

/** Every field's problem as the user types (empty object: the form can be sent). */
export function validateEndpointForm(state: EndpointFormState, mode: 'create' | 'edit'): EndpointFormErrors {
  const errors: EndpointFormErrors = {};
  const set = (field: keyof EndpointFormState, message: string | undefined) => {
    if (message !== undefined) errors[field] = message;
  };
  set('url', urlError(state.url));
  if (state.description.length > 1000) errors.description = 'At most 1,000 characters.';
  if (state.tenant !== '' && (!TENANT.test(state.tenant) || state.tenant.length > 128)) {
    errors.tenant = 'Letters, digits and _ . : - only (at most 128).';
  }
  for (const pattern of parseList(state.eventTypes)) {
    const problem = eventTypePatternError(pattern);
    if (problem !== undefined) {
      errors.eventTypes = problem;
      break;
    }
  }
  for (const channel of parseList(state.channels)) {
    if (!TENANT.test(channel) || channel.length > 128) {
      errors.channels = `"${channel}": letters, digits and _ . : - only.`;
      break;
    }
  }
  set('payloadFilter', payloadFilterError(state.payloadFilter));
  const headers = parseHeaderLines(state.headers, reservedHeaders(state));
  if (!headers.ok) errors.headers = headers.message;
  const timeout = state.timeoutSeconds.trim();
  if (timeout !== '') {
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 30 || !Number.isInteger(seconds * 1000)) {
      errors.timeoutSeconds = 'Timeout: from 1 to 30 seconds.';
    }
  }
  set('retrySchedule', retryScheduleError(state.retrySchedule));
  set('rateLimitPerSecond', integerError(state.rateLimitPerSecond, 1, 100_000, 'Rate limit'));
  set('maxConcurrency', integerError(state.maxConcurrency, 1, 10_000, 'Concurrency'));
  if (state.scheme === 'hmac' || state.scheme === 'token') {
    if (!HEADER_NAME.test(state.signingHeader) || state.signingHeader.length > 128) {
      errors.signingHeader = 'The header the receiver reads, e.g. X-Signature.';
    }
  }
  if (state.scheme === 'hmac' && state.timestampHeader !== '' && !HEADER_NAME.test(state.timestampHeader)) {
    errors.timestampHeader = 'A header name, e.g. X-Timestamp, or empty.';
  }
  if (state.scheme === 'hmac') {
    set('signaturePrefix', prefixError(state.signaturePrefix));
    set('signedContent', signedContentError(state.signedContent, state.timestampHeader));
  }
  if (mode === 'create' && state.secret.trim() !== '') {
    set('secret', endpointSecretProblem(state.scheme, state.secret.trim()));
  }
  return errors;
}

/** Sent as the start of the signature header's value: the schema's length, no control characters. */
function prefixError(prefix: string): string | undefined {
  if (prefix.length > MAX_PREFIX) return `At most ${MAX_PREFIX} characters.`;
  if (CONTROL.test(prefix)) return 'No control characters (CR, LF, NUL or similar).';
  return undefined;
}

/**
 * The template @hookline/webhooks signs with (hmac.ts): {body} once and {timestamp}, and only with a
 * timestamp header; any other would fail every delivery's signature or be ignored.
 */
function signedContentError(template: string, timestampHeader: string): string | undefined {
  if (template === '') return undefined;
  if (template.length < SIGNED_CONTENT_LENGTH.min || template.length > SIGNED_CONTENT_LENGTH.max) {
    return `${SIGNED_CONTENT_LENGTH.min} to ${SIGNED_CONTENT_LENGTH.max} characters.`;
  }
  if (template.split('{body}').length !== 2 || !template.includes('{timestamp}')) {
    return 'Must contain {body} once and {timestamp}, e.g. {timestamp}.{body}.';
  }
  if (timestampHeader === '') return 'Needs a timestamp header: without one only the body is signed.';
  return undefined;
}

/** Header names the signing scheme sets itself, besides those always reserved. */
function reservedHeaders(state: EndpointFormState): string[] {
  const own = [state.signingHeader, state.timestampHeader].filter((name) => name !== '');
  return state.scheme === 'hmac' || state.scheme === 'token' ? own : [];
}

/** The body of `POST /v1/endpoints` (create) or `PATCH /v1/endpoints/{id}` (edit); call once valid. */
export function endpointBodyOf(
  state: EndpointFormState,
  mode: 'create' | 'edit',
  options: { tenantEditable: boolean },
): Record<string, Json> {
  const eventTypes = parseList(state.eventTypes);
  const channels = parseList(state.channels);
  const headers = parseHeaderLines(state.headers, []);
  const number = (text: string) => (text.trim() === '' ? null : Number(text));
  const body: Record<string, Json> = {
    url: state.url.trim(),
    description: state.description,
    eventTypes: eventTypes.length === 0 ? null : eventTypes,
    channels: channels.length === 0 ? null : channels,
    sources: state.sources.length === 0 ? null : state.sources,
    payloadFilter: state.payloadFilter.trim() === '' ? null : (JSON.parse(state.payloadFilter) as Json),
    headers: headers.ok ? headers.headers : {},
    retrySchedule: retryScheduleOf(state.retrySchedule),
    rateLimitPerSecond: number(state.rateLimitPerSecond),
    maxConcurrency: number(state.maxConcurrency),
    signing: signingOf(state),
  };
  const timeout = number(state.timeoutSeconds);
  if (timeout !== null) body.timeoutMs = Math.round(timeout * 1000);
  if (options.tenantEditable) body.tenant = state.tenant === '' ? null : state.tenant;
  if (mode === 'create' && state.secret.trim() !== '') body.secret = state.secret.trim();
  return body;
}

function signingOf(state: EndpointFormState): Json {
  if (state.scheme === 'token') return { scheme: 'token', header: state.signingHeader };
  if (state.scheme !== 'hmac') return { scheme: state.scheme };
  return {
    scheme: 'hmac',
    header: state.signingHeader,
    algorithm: state.algorithm,
    encoding: state.encoding,
    ...(state.signaturePrefix === '' ? {} : { prefix: state.signaturePrefix }),
    ...(state.timestampHeader === '' ? {} : { timestampHeader: state.timestampHeader }),
    ...(state.signedContent === '' ? {} : { signedContent: state.signedContent }),
  };
}

// Node-free server modules, bundled by Vite, so the form checks what the API checks, with the same rules.
import { eventTypeName } from '../../../server/src/api/schemas/common.ts';
import { ALIAS_PATTERN } from '../../../server/src/ingest/alias-pattern.ts';
import { DEFAULT_INGEST_CONFIG } from '../../../server/src/ingest/ingest-config.ts';
import { isJsonPointer } from '../../../server/src/ingest/json-pointer.ts';
import {
  DEFAULT_RESPONSE,
  HEADER_NAME,
  HEADER_VALUE,
  MAX_GIVEN_SECRETS,
  MAX_RESPONSE_BODY,
  MAX_SECRET_LENGTH,
  MEDIA_TYPE,
  sourceSecretProblem,
} from '../../../server/src/ingest/source-rules.ts';
import type { Json, Source } from '../api/types.ts';
import {
  type HandshakeChoice,
  handshakeBodyOf,
  handshakeErrors,
  handshakeFieldsOf,
} from './source-handshake.ts';

/**
 * The source form as text fields, its checks as the user types, and the API body it becomes. The server
 * (ingest/source-input.ts) stays the judge: its coded error is shown on submit.
 */

export interface SchemeInfo {
  name: string;
  label: string;
  /** Who gives the secret: the provider (must be pasted), the user (generated when empty), or none. */
  secret: 'provider' | 'generated' | 'required' | 'none';
  secretHint: string;
}

/** The schemes of docs/receiving.md, in the order a newcomer looks for them. */
export const SOURCE_SCHEMES: SchemeInfo[] = [
  {
    name: 'standard-webhooks',
    label: 'Standard Webhooks',
    secret: 'generated',
    secretHint: 'whsec_… (generated when empty)',
  },
  {
    name: 'github',
    label: 'GitHub',
    secret: 'generated',
    secretHint: 'The webhook secret (generated when empty)',
  },
  { name: 'stripe', label: 'Stripe', secret: 'provider', secretHint: "The endpoint's whsec_… from Stripe" },
  { name: 'shopify', label: 'Shopify', secret: 'provider', secretHint: "The app's client secret" },
  { name: 'slack', label: 'Slack', secret: 'provider', secretHint: 'The signing secret' },
  { name: 'svix', label: 'Svix', secret: 'provider', secretHint: 'The whsec_… Svix gave you' },
  { name: 'twilio', label: 'Twilio', secret: 'provider', secretHint: 'The auth token' },
  {
    name: 'hmac',
    label: 'Generic HMAC header',
    secret: 'generated',
    secretHint: 'Shared secret (generated when empty)',
  },
  {
    name: 'token',
    label: 'Token header',
    secret: 'generated',
    secretHint: 'The token (generated when empty)',
  },
  { name: 'basic', label: 'HTTP Basic', secret: 'required', secretHint: 'user:password' },
  { name: 'none', label: 'None (unsigned)', secret: 'none', secretHint: '' },
];

export const EVENT_TYPE_RULES = ['provider', 'header', 'pointer', 'fixed'] as const;
export type EventTypeRuleKind = (typeof EVENT_TYPE_RULES)[number];
export const DEDUP_RULES = ['provider', 'header', 'pointer', 'none'] as const;
export type DedupRuleKind = (typeof DEDUP_RULES)[number];

export interface SourceFormState {
  name: string;
  tenant: string;
  scheme: string;
  /** hmac and token: the header carrying the signature or token. */
  header: string;
  algorithm: string;
  encoding: string;
  prefix: string;
  timestampHeader: string;
  signedContent: string;
  /** github: also accept the legacy X-Hub-Signature (HMAC-SHA1) when no sha256 signature came. */
  allowSha1: boolean;
  /**
   * One secret per line, each verifying (several while a sender moves from one to another). Create:
   * empty generates one where the scheme allows. Edit: replacements, effective at once; empty keeps them.
   */
  secrets: string;
  toleranceSeconds: string;
  maxBodyBytes: string;
  ruleKind: EventTypeRuleKind;
  /** The header name, JSON pointer or fixed event type of the rule. */
  ruleValue: string;
  dedupKind: DedupRuleKind;
  /** The header name or JSON pointer of the dedup rule. */
  dedupValue: string;
  alias: string;
  requireJson: boolean;
  /** Store and forward compressed bodies decompressed. */
  decompress: boolean;
  /** The provider URL-registration handshake to answer (source-handshake.ts). */
  handshake: HandshakeChoice;
  /** meta: the token Meta sends back as hub.verify_token. */
  verifyToken: string;
  /** Accepted media types, comma or line separated; empty for any. */
  contentTypes: string;
  responseStatus: string;
  responseContentType: string;
  responseBody: string;
}

type BooleanField = 'requireJson' | 'decompress' | 'allowSha1';
/** The fields edited as text (every field but the checkboxes). */
export type SourceTextField = Exclude<keyof SourceFormState, BooleanField>;

export type SourceFormErrors = Partial<Record<keyof SourceFormState, string>>;

export function emptySourceForm(): SourceFormState {
  return {
    name: '',
    tenant: '',
    scheme: 'standard-webhooks',
    header: '',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: '',
    timestampHeader: '',
    signedContent: '',
    allowSha1: false,
    secrets: '',
    toleranceSeconds: '300',
    maxBodyBytes: '',
    ruleKind: 'provider',
    ruleValue: '',
    dedupKind: 'provider',
    dedupValue: '',
    alias: '',
    requireJson: false,
    decompress: false,
    handshake: 'none',
    verifyToken: '',
    contentTypes: '',
    responseStatus: String(DEFAULT_RESPONSE.status),
    responseContentType: DEFAULT_RESPONSE.contentType,
    responseBody: DEFAULT_RESPONSE.body,
  };
}

export function sourceFormOf(source: Source): SourceFormState {
  const verification = (source.verification ?? {}) as Record<string, Json>;
  const rule = (source.eventTypeRule ?? {}) as Record<string, Json>;
  const dedup = (source.dedupRule ?? {}) as Record<string, Json>;
  const response = (source.response ?? {}) as Record<string, Json>;
  const text = (value: Json | undefined) => (typeof value === 'string' ? value : '');
  const kind = EVENT_TYPE_RULES.find((k) => k === rule.kind) ?? 'provider';
  const dedupKind = DEDUP_RULES.find((k) => k === dedup.kind) ?? 'provider';
  return {
    ...emptySourceForm(),
    name: source.name,
    tenant: source.tenant ?? '',
    scheme: text(verification.scheme) || 'none',
    header: text(verification.header),
    algorithm: text(verification.algorithm) || 'sha256',
    encoding: text(verification.encoding) || 'hex',
    prefix: text(verification.prefix),
    timestampHeader: text(verification.timestampHeader),
    signedContent: text(verification.signedContent),
    allowSha1: verification.allowSha1 === true,
    toleranceSeconds: source.toleranceSeconds === null ? '' : String(source.toleranceSeconds),
    maxBodyBytes: source.maxBodyBytes === null ? '' : String(source.maxBodyBytes),
    ruleKind: kind,
    ruleValue:
      kind === 'header' ? text(rule.name) : kind === 'pointer' ? text(rule.pointer) : text(rule.eventType),
    dedupKind,
    dedupValue:
      dedupKind === 'header' ? text(dedup.name) : dedupKind === 'pointer' ? text(dedup.pointer) : '',
    alias: source.alias ?? '',
    requireJson: source.requireJson,
    decompress: source.decompress,
    ...handshakeFieldsOf(source.handshake),
    contentTypes: (source.contentTypes ?? []).join(', '),
    responseStatus:
      typeof response.status === 'number' ? String(response.status) : String(DEFAULT_RESPONSE.status),
    responseContentType: typeof response.contentType === 'string' ? response.contentType : '',
    responseBody: typeof response.body === 'string' ? response.body : '',
  };
}

const TENANT = /^[A-Za-z0-9_.:-]{1,128}$/;
// The server's bound for a source's maxBodyBytes is the ingestMaxBodyBytes option, which no API route
// reports: the form holds to its default (25 MiB), and a server configured lower says so on submit.
const MAX_BODY_BYTES = DEFAULT_INGEST_CONFIG.maxBodyBytesLimit;
const MiB = 1024 * 1024;
const EVENT_TYPE = new RegExp(eventTypeName.pattern);
const MAX_CONTENT_TYPES = 32;

/** `application/json, text/plain` (or one per line) → the list the API takes, lower-cased. */
export function contentTypesOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

function contentTypesError(text: string): string | undefined {
  const types = contentTypesOf(text);
  if (types.length > MAX_CONTENT_TYPES) return `At most ${MAX_CONTENT_TYPES} media types.`;
  const bad = types.find((type) => !MEDIA_TYPE.test(type));
  if (bad === undefined) return undefined;
  if (bad.includes(';')) return `"${bad}": without parameters (application/json matches any charset).`;
  if (bad.includes('*')) return `"${bad}": one type/subtype; wildcards are not supported.`;
  return `"${bad}" is not a media type such as application/json.`;
}

/** The header name or JSON pointer of a rule; `example` is what the hint suggests for each. */
function ruleValueError(
  kind: string,
  value: string,
  example: { header: string; pointer: string },
): string | undefined {
  if (kind === 'header' && !HEADER_NAME.test(value)) return `A header name, e.g. ${example.header}.`;
  if (kind === 'pointer' && (!value.startsWith('/') || !isJsonPointer(value) || value.length > 256)) {
    return `A JSON pointer, e.g. ${example.pointer}.`;
  }
  return undefined;
}

export function schemeInfo(name: string): SchemeInfo | undefined {
  return SOURCE_SCHEMES.find((scheme) => scheme.name === name);
}

/** The non-empty lines of the secrets field, trimmed. */
export function secretsOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** What the secrets field takes, for `info`'s scheme. */
export function secretsHint(mode: 'create' | 'edit', info: SchemeInfo | undefined): string {
  return mode === 'edit'
    ? 'Empty: keep the current secrets. One per line replaces them all at once (rotate keeps a grace period).'
    : `${info?.secretHint}. One per line to accept several (at most ${MAX_GIVEN_SECRETS}).`;
}

/** Why the server would refuse `secret` for `scheme` (its length, then the scheme's rule), if it would. */
export function sourceSecretError(scheme: string, secret: string): string | undefined {
  if (secret.length > MAX_SECRET_LENGTH) return `At most ${MAX_SECRET_LENGTH.toLocaleString()} characters.`;
  return sourceSecretProblem(scheme, secret);
}

/** The first secret the server would refuse (as `invalid_secret` or `validation_failed`), if any. */
function secretsError(scheme: string, secrets: string[]): string | undefined {
  if (secrets.length > MAX_GIVEN_SECRETS) return `At most ${MAX_GIVEN_SECRETS} secrets.`;
  for (const [i, secret] of secrets.entries()) {
    const problem = sourceSecretError(scheme, secret);
    if (problem !== undefined) return secrets.length > 1 ? `Line ${i + 1}: ${problem}` : problem;
  }
  return undefined;
}

/** The largest body a source may set, in the words of the API's refusal (source-input.ts). */
export function maxBodyBytesError(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= MAX_BODY_BYTES
    ? undefined
    : `Must be an integer from 1 to ${MAX_BODY_BYTES} (${MAX_BODY_BYTES / MiB} MiB, the server's limit).`;
}

/** The hint of the max body field: the server's default and limit. */
export const MAX_BODY_HINT = `Empty: ${DEFAULT_INGEST_CONFIG.defaultMaxBodyBytes / MiB} MiB; at most ${MAX_BODY_BYTES / MiB} MiB`;

function integerError(text: string, min: number, max: number): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `A whole number from ${min} to ${max.toLocaleString()}.`;
}

/**
 * `currentScheme` (edit): the scheme saved now. Switching to a scheme whose secret the provider issues
 * needs that secret, as creating does; the server would refuse the change without it.
 */
export function validateSourceForm(
  state: SourceFormState,
  mode: 'create' | 'edit',
  currentScheme?: string,
): SourceFormErrors {
  const errors: SourceFormErrors = {};
  if (state.name.trim() === '' || state.name.length > 128) errors.name = 'A name of 1 to 128 characters.';
  if (state.tenant !== '' && !TENANT.test(state.tenant)) errors.tenant = 'Letters, digits and _ . : - only.';
  const info = schemeInfo(state.scheme);
  if (info === undefined) errors.scheme = 'Pick a scheme.';
  if (state.scheme === 'hmac' && !HEADER_NAME.test(state.header)) {
    errors.header = 'The header carrying the signature, e.g. X-Signature.';
  }
  if (state.scheme === 'token' && state.header !== '' && !HEADER_NAME.test(state.header)) {
    errors.header = 'A header name, or empty for X-Webhook-Token.';
  }
  if (state.scheme === 'hmac' && state.timestampHeader !== '' && !HEADER_NAME.test(state.timestampHeader)) {
    errors.timestampHeader = 'A header name, e.g. X-Timestamp, or empty.';
  }
  if (state.scheme === 'hmac' && state.signedContent !== '') {
    if (state.signedContent.split('{body}').length !== 2 || !state.signedContent.includes('{timestamp}')) {
      errors.signedContent = 'Must contain {body} once and {timestamp}, e.g. {timestamp}.{body}.';
    } else if (state.timestampHeader === '') {
      errors.signedContent = 'Needs a timestamp header: without one only the body is signed.';
    }
  }
  const secrets = info?.secret === 'none' ? [] : secretsOf(state.secrets);
  const needsSecret = info?.secret === 'provider' || info?.secret === 'required';
  const schemeChanged = mode === 'create' || (currentScheme !== undefined && currentScheme !== state.scheme);
  if (schemeChanged && needsSecret && secrets.length === 0) errors.secrets = `Required: ${info?.secretHint}.`;
  const secretProblem = secretsError(state.scheme, secrets);
  if (secretProblem) errors.secrets = secretProblem;
  const tolerance = integerError(state.toleranceSeconds, 1, 86_400);
  if (tolerance) errors.toleranceSeconds = tolerance;
  const maxBody = maxBodyBytesError(state.maxBodyBytes);
  if (maxBody) errors.maxBodyBytes = maxBody;
  const value = state.ruleValue.trim();
  const ruleError = ruleValueError(state.ruleKind, value, { header: 'X-Event-Type', pointer: '/data/type' });
  if (ruleError) errors.ruleValue = ruleError;
  if (state.ruleKind === 'fixed' && (!EVENT_TYPE.test(value) || value.length > eventTypeName.maxLength))
    errors.ruleValue =
      'The event type, e.g. payment.received (dot-separated segments of letters, digits and _ : / -, none empty).';
  const dedupError = ruleValueError(state.dedupKind, state.dedupValue.trim(), {
    header: 'X-Request-Id',
    pointer: '/id',
  });
  if (dedupError) errors.dedupValue = dedupError;
  const types = contentTypesError(state.contentTypes);
  if (types) errors.contentTypes = types;
  const status = Number(state.responseStatus);
  if (!/^2\d\d$/.test(state.responseStatus)) errors.responseStatus = 'A 2xx status, e.g. 202.';
  if (state.responseBody.length > MAX_RESPONSE_BODY) {
    errors.responseBody = `At most ${MAX_RESPONSE_BODY.toLocaleString()} characters.`;
  } else if (status === 204 && state.responseBody !== '') {
    errors.responseBody = 'Must be empty with status 204.';
  }
  if (state.responseContentType.length > 128 || !HEADER_VALUE.test(state.responseContentType)) {
    errors.responseContentType = 'A content type of visible ASCII, e.g. text/plain.';
  }
  if (
    state.alias !== '' &&
    (!ALIAS_PATTERN.test(state.alias) || state.alias === '/in' || state.alias === '/v1')
  ) {
    errors.alias = 'One path segment such as /github, or empty.';
  }
  Object.assign(errors, handshakeErrors(state));
  return errors;
}

/** The body of `POST /v1/sources` or `PATCH /v1/sources/{id}`; call once valid. */
export function sourceBodyOf(
  state: SourceFormState,
  mode: 'create' | 'edit',
  options: { tenantEditable: boolean },
): Record<string, Json> {
  const verification: Record<string, Json> = { scheme: state.scheme };
  if (state.scheme === 'hmac') {
    verification.header = state.header;
    verification.algorithm = state.algorithm;
    verification.encoding = state.encoding;
    if (state.prefix !== '') verification.prefix = state.prefix;
    if (state.timestampHeader !== '') verification.timestampHeader = state.timestampHeader;
    if (state.signedContent !== '') verification.signedContent = state.signedContent;
  }
  if (state.scheme === 'token') {
    if (state.header !== '') verification.header = state.header;
    if (state.prefix !== '') verification.prefix = state.prefix;
  }
  if (state.scheme === 'github' && state.allowSha1) verification.allowSha1 = true;
  const value = state.ruleValue.trim();
  const dedupValue = state.dedupValue.trim();
  const contentTypes = contentTypesOf(state.contentTypes);
  const body: Record<string, Json> = {
    name: state.name.trim(),
    verification,
    requireJson: state.requireJson,
    decompress: state.decompress,
    handshake: handshakeBodyOf(state),
    alias: state.alias === '' ? null : state.alias,
    eventTypeRule:
      state.ruleKind === 'header'
        ? { kind: 'header', name: value }
        : state.ruleKind === 'pointer'
          ? { kind: 'pointer', pointer: value }
          : state.ruleKind === 'fixed'
            ? { kind: 'fixed', eventType: value }
            : { kind: 'provider' },
    dedupRule:
      state.dedupKind === 'header'
        ? { kind: 'header', name: dedupValue }
        : state.dedupKind === 'pointer'
          ? { kind: 'pointer', pointer: dedupValue }
          : { kind: state.dedupKind },
    contentTypes: contentTypes.length === 0 ? null : contentTypes,
    response: {
      status: Number(state.responseStatus),
      body: state.responseBody,
      contentType: state.responseContentType,
    },
  };
  if (state.toleranceSeconds.trim() !== '') body.toleranceSeconds = Number(state.toleranceSeconds);
  if (state.maxBodyBytes.trim() !== '') body.maxBodyBytes = Number(state.maxBodyBytes);
  if (options.tenantEditable && (mode === 'create' ? state.tenant !== '' : true)) {
    body.tenant = state.tenant === '' ? null : state.tenant;
  }
  const secrets = secretsOf(state.secrets);
  if (secrets.length > 0 && state.scheme !== 'none') body.secrets = secrets;
  return body;
}

import { isSchemeName, type SchemeName } from '@hookline/webhooks';
import { eventTypeName } from '../api/schemas/common.ts';
import { ApiError } from '../errors.ts';
import type { NewSource, SourcePatch } from '../store/store.ts';
import type { Json, Source, SourceHandshake } from '../store/types.ts';
import { ALIAS_PATTERN } from './alias-pattern.ts';
import type { IngestConfig } from './ingest-config.ts';
import { isJsonPointer } from './json-pointer.ts';
import {
  DEFAULT_RESPONSE,
  HANDSHAKE_KINDS,
  HEADER_NAME,
  HEADER_VALUE,
  handshakeProblem,
  MAX_GIVEN_SECRETS,
  MAX_RESPONSE_BODY,
  MAX_SECRET_LENGTH,
  MAX_VERIFY_TOKEN,
  MEDIA_TYPE,
} from './source-rules.ts';

export { DEFAULT_RESPONSE } from './source-rules.ts';

/**
 * The options each scheme reads (the TSDoc of each scheme in @hookline/webhooks): any other is refused,
 * since a saved option the scheme ignores would look like configuration and do nothing.
 */
const SCHEME_OPTIONS: Readonly<Record<SchemeName, readonly string[]>> = {
  'standard-webhooks': [],
  svix: [],
  github: ['allowSha1'],
  stripe: [],
  shopify: [],
  slack: [],
  twilio: [],
  hmac: ['header', 'algorithm', 'encoding', 'prefix', 'timestampHeader', 'signedContent'],
  token: ['header', 'prefix'],
  basic: [],
  none: [],
};

function invalid(field: string, message: string): ApiError {
  return new ApiError('validation_failed', `${field}: ${message}`, { details: { field } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses keys outside `allowed`: a typo dropped silently would leave the default in place unnoticed.
 * `field` is the object's path (null for a whole body), `what` how the message names it.
 */
function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  field: string | null,
  what = field,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw invalid(
        field === null ? key : `${field}.${key}`,
        `is not a field of ${what} (it takes ${allowed.join(', ')})`,
      );
    }
  }
}

function checkString(value: unknown, field: string, max: number, min = 1): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw invalid(field, `must be a string of ${min} to ${max} characters`);
  }
  return value;
}

/**
 * The hmac scheme's template, held to the scheme's own rule ({body} exactly once, and {timestamp}) and
 * used only with a timestamp header: anything else would be saved and then refuse every request.
 */
function checkSignedContent(value: unknown, timestampHeader: unknown): void {
  checkString(value, 'verification.signedContent', 256);
  const template = value as string;
  if (template.split('{body}').length !== 2 || !template.includes('{timestamp}')) {
    throw invalid('verification.signedContent', 'must contain {body} exactly once and {timestamp}');
  }
  if (timestampHeader === undefined) {
    throw invalid('verification.signedContent', 'needs timestampHeader (without it only the body is signed)');
  }
}

function checkVerification(value: unknown): Source['verification'] {
  if (!isRecord(value) || typeof value.scheme !== 'string' || !isSchemeName(value.scheme)) {
    throw invalid(
      'verification.scheme',
      'must name a built-in scheme (standard-webhooks, github, stripe, …)',
    );
  }
  const scheme = value.scheme;
  const allowed = SCHEME_OPTIONS[scheme];
  const out: Record<string, Json> = { scheme };
  for (const [key, option] of Object.entries(value)) {
    if (key === 'scheme') continue;
    if (!allowed.includes(key)) {
      throw invalid(
        `verification.${key}`,
        allowed.length === 0
          ? `is not an option of the ${scheme} scheme (it takes none)`
          : `is not an option of the ${scheme} scheme (it takes ${allowed.join(', ')})`,
      );
    }
    if (key === 'allowSha1') {
      if (typeof option !== 'boolean') throw invalid('verification.allowSha1', 'must be a boolean');
    } else if (key === 'algorithm') {
      if (option !== 'sha256' && option !== 'sha1' && option !== 'sha512') {
        throw invalid('verification.algorithm', 'must be sha256, sha1 or sha512');
      }
    } else if (key === 'encoding') {
      if (option !== 'hex' && option !== 'base64')
        throw invalid('verification.encoding', 'must be hex or base64');
    } else if (key === 'header' || key === 'timestampHeader') {
      if (typeof option !== 'string' || !HEADER_NAME.test(option)) {
        throw invalid(`verification.${key}`, 'must be a header name');
      }
    } else if (key === 'signedContent') {
      checkSignedContent(option, value.timestampHeader);
    } else {
      checkString(option, `verification.${key}`, 256, 0);
    }
    out[key] = option as Json;
  }
  return out as Source['verification'];
}

// The rule event type names follow everywhere they are written (publish, event types): a fixed type
// outside it, such as "a\nb", would be saved and then replaced by `unknown` on every message.
const EVENT_TYPE_NAME = new RegExp(eventTypeName.pattern);

function checkFixedEventType(value: unknown): string {
  const name = checkString(value, 'eventTypeRule.eventType', eventTypeName.maxLength);
  if (!EVENT_TYPE_NAME.test(name)) {
    throw invalid(
      'eventTypeRule.eventType',
      'must be dot-separated segments of letters, digits and _ : / -, none empty (e.g. invoice.paid)',
    );
  }
  return name;
}

function checkRule<K extends 'eventTypeRule' | 'dedupRule'>(value: unknown, field: K): Source[K] {
  if (!isRecord(value)) throw invalid(field, 'must be an object with a kind');
  const fieldOf: Record<string, string> = { header: 'name', pointer: 'pointer', fixed: 'eventType' };
  const kindField = typeof value.kind === 'string' ? fieldOf[value.kind] : undefined;
  checkKeys(value, kindField === undefined ? ['kind'] : ['kind', kindField], field);
  switch (value.kind) {
    case 'provider':
      return { kind: 'provider' } as Source[K];
    case 'header':
      if (typeof value.name !== 'string' || !HEADER_NAME.test(value.name))
        throw invalid(`${field}.name`, 'must be a header name');
      return { kind: 'header', name: value.name.toLowerCase() } as Source[K];
    case 'pointer':
      if (typeof value.pointer !== 'string' || !isJsonPointer(value.pointer) || value.pointer.length > 256) {
        throw invalid(`${field}.pointer`, 'must be a JSON pointer such as /data/id');
      }
      return { kind: 'pointer', pointer: value.pointer } as Source[K];
    case 'fixed':
      if (field !== 'eventTypeRule') break;
      return { kind: 'fixed', eventType: checkFixedEventType(value.eventType) } as Source[K];
    case 'none':
      if (field !== 'dedupRule') break;
      return { kind: 'none' } as Source[K];
  }
  throw invalid(
    `${field}.kind`,
    field === 'eventTypeRule'
      ? 'must be provider, header, pointer or fixed'
      : 'must be provider, header, pointer or none',
  );
}

function checkResponse(value: unknown): Source['response'] {
  if (!isRecord(value)) throw invalid('response', 'must be an object');
  checkKeys(value, ['status', 'body', 'contentType'], 'response');
  const status = value.status ?? DEFAULT_RESPONSE.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 299) {
    throw invalid('response.status', 'must be a 2xx status');
  }
  const body = value.body ?? (status === 204 ? '' : DEFAULT_RESPONSE.body);
  checkString(body, 'response.body', MAX_RESPONSE_BODY, 0);
  if (status === 204 && body !== '') throw invalid('response.body', 'must be empty with status 204');
  const contentType = value.contentType ?? DEFAULT_RESPONSE.contentType;
  checkString(contentType, 'response.contentType', 128);
  // Sent as a header on every accepted request: a value Node refuses (CR/LF, non-Latin-1) would turn each
  // stored message into a 500, so only visible ASCII with inner spaces and tabs is saved.
  if (!HEADER_VALUE.test(contentType as string)) {
    throw invalid('response.contentType', 'must be visible ASCII characters (inner spaces and tabs allowed)');
  }
  return { status, body: body as string, contentType: contentType as string };
}

function checkAlias(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !ALIAS_PATTERN.test(value) || value === '/in' || value === '/v1') {
    throw invalid('alias', 'must be one path segment such as /webhook');
  }
  return value;
}

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'must be a boolean');
  return value;
}

function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkContentTypes(value: unknown): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > 32) {
    throw invalid('contentTypes', 'must be null or a list of 1 to 32 media types');
  }
  return value.map((type, i) => checkMediaType(checkString(type, `contentTypes[${i}]`, 128), i));
}

function checkMediaType(value: string, i: number): string {
  const type = value.trim().toLowerCase();
  if (type.includes(';')) {
    throw invalid(
      `contentTypes[${i}]`,
      'must be a bare type/subtype without parameters (application/json matches any charset)',
    );
  }
  if (type.includes('*'))
    throw invalid(`contentTypes[${i}]`, 'must name one type/subtype; wildcards are not supported');
  if (!MEDIA_TYPE.test(type))
    throw invalid(`contentTypes[${i}]`, 'must be a media type such as application/json');
  return type;
}

/** A provider handshake (provider-handshakes.ts): `{kind}`, and Meta's `verifyToken`; null for none. */
function checkHandshake(value: unknown): SourceHandshake | null {
  if (value === null) return null;
  if (!isRecord(value) || !HANDSHAKE_KINDS.includes(value.kind as SourceHandshake['kind'])) {
    throw invalid('handshake.kind', `must be one of ${HANDSHAKE_KINDS.join(', ')}`);
  }
  if (value.kind === 'meta') {
    checkKeys(value, ['kind', 'verifyToken'], 'handshake', 'the meta handshake');
    return {
      kind: 'meta',
      verifyToken: checkString(value.verifyToken, 'handshake.verifyToken', MAX_VERIFY_TOKEN),
    };
  }
  checkKeys(value, ['kind'], 'handshake', `the ${value.kind} handshake`);
  return { kind: value.kind } as SourceHandshake;
}

/** The handshake's rules on the source as it will be saved (`handshakeProblem` in source-rules.ts). */
export function assertHandshakeFits(
  source: Pick<Source, 'handshake' | 'verification' | 'requireJson'>,
): void {
  const kind = source.handshake?.kind;
  const problem = handshakeProblem(kind, {
    scheme: source.verification.scheme,
    requireJson: source.requireJson,
  });
  if (problem === 'needs_hmac') {
    throw invalid(
      'handshake',
      `the ${kind} handshake signs with the source's secret: it needs the hmac scheme`,
    );
  }
  if (problem === 'needs_json') {
    throw invalid(
      'handshake',
      'the x handshake needs requireJson: true (its answer could sign a non-JSON body)',
    );
  }
}

function checkTenant(value: unknown): string | null {
  return value === null ? null : checkString(value, 'tenant', 128);
}

const FIELDS = new Set([
  'name',
  'tenant',
  'verification',
  'secret',
  'secrets',
  'toleranceSeconds',
  'maxBodyBytes',
  'contentTypes',
  'requireJson',
  'decompress',
  'handshake',
  'response',
  'eventTypeRule',
  'dedupRule',
  'alias',
  'disabled',
]);

/** Validated fields of a create or update body (only those present); secrets are handled apart. */
export function parseSourceFields(body: unknown, config: IngestConfig): SourcePatch {
  if (!isRecord(body)) throw invalid('body', 'must be a JSON object');
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw invalid(key, 'is not a source field');
  const patch: SourcePatch = {};
  if (body.name !== undefined) patch.name = checkString(body.name, 'name', 128);
  if (body.tenant !== undefined) patch.tenant = checkTenant(body.tenant);
  if (body.verification !== undefined) patch.verification = checkVerification(body.verification);
  if (body.toleranceSeconds !== undefined) {
    patch.toleranceSeconds = checkInteger(body.toleranceSeconds, 'toleranceSeconds', 1, 86_400);
  }
  if (body.maxBodyBytes !== undefined) {
    patch.maxBodyBytes = checkInteger(body.maxBodyBytes, 'maxBodyBytes', 1, config.maxBodyBytesLimit);
  }
  if (body.contentTypes !== undefined) patch.contentTypes = checkContentTypes(body.contentTypes);
  if (body.requireJson !== undefined) patch.requireJson = checkBoolean(body.requireJson, 'requireJson');
  if (body.decompress !== undefined) patch.decompress = checkBoolean(body.decompress, 'decompress');
  if (body.handshake !== undefined) patch.handshake = checkHandshake(body.handshake);
  if (body.response !== undefined) patch.response = checkResponse(body.response);
  if (body.eventTypeRule !== undefined) patch.eventTypeRule = checkRule(body.eventTypeRule, 'eventTypeRule');
  if (body.dedupRule !== undefined) patch.dedupRule = checkRule(body.dedupRule, 'dedupRule');
  if (body.alias !== undefined) patch.alias = checkAlias(body.alias);
  if (body.disabled !== undefined) patch.disabled = checkBoolean(body.disabled, 'disabled');
  return patch;
}

/** Plaintext secrets given in a create body (`secret` or `secrets`), newest first. */
export function parseGivenSecrets(body: unknown): string[] {
  if (!isRecord(body)) return [];
  if (body.secret !== undefined && body.secrets !== undefined) {
    throw invalid('secret', 'give either secret or secrets, not both');
  }
  const given = body.secrets ?? (body.secret === undefined ? [] : [body.secret]);
  if (!Array.isArray(given) || given.length > MAX_GIVEN_SECRETS)
    throw invalid('secrets', `must be a list of at most ${MAX_GIVEN_SECRETS} secrets`);
  return given.map((secret, i) => checkString(secret, `secrets[${i}]`, MAX_SECRET_LENGTH));
}

/** A full new source from validated fields, with defaults for everything not given. */
export function newSourceFrom(
  fields: SourcePatch,
  extra: { token: string; secrets: Source['secrets']; config: IngestConfig },
): NewSource {
  if (fields.name === undefined) throw invalid('name', 'is required');
  if (fields.verification === undefined)
    throw invalid('verification', 'is required, e.g. {"scheme":"github"}');
  return {
    name: fields.name,
    token: extra.token,
    tenant: fields.tenant ?? null,
    verification: fields.verification,
    secrets: extra.secrets,
    toleranceSeconds: fields.toleranceSeconds ?? 300,
    maxBodyBytes: fields.maxBodyBytes ?? extra.config.defaultMaxBodyBytes,
    contentTypes: fields.contentTypes ?? null,
    requireJson: fields.requireJson ?? false,
    decompress: fields.decompress ?? false,
    handshake: fields.handshake ?? null,
    response: fields.response ?? DEFAULT_RESPONSE,
    eventTypeRule: fields.eventTypeRule ?? { kind: 'provider' },
    dedupRule: fields.dedupRule ?? { kind: 'provider' },
    alias: fields.alias ?? null,
    disabled: fields.disabled ?? false,
  };
}

/** The body of `POST /v1/sources/{id}/secrets/rotate`: `{secret?, graceSeconds?}` and nothing else. */
export function parseRotation(
  body: unknown,
  limits: { defaultGraceSeconds: number; maxGraceSeconds: number },
): { secret?: string; graceSeconds: number } {
  const value = body === undefined || body === null ? {} : body;
  if (!isRecord(value)) throw invalid('body', 'must be a JSON object');
  // A typo such as "secrte" would otherwise rotate to a generated secret nobody asked for.
  checkKeys(value, ['secret', 'graceSeconds'], null, 'a secret rotation');
  const graceSeconds =
    value.graceSeconds === undefined
      ? limits.defaultGraceSeconds
      : checkInteger(value.graceSeconds, 'graceSeconds', 0, limits.maxGraceSeconds);
  return value.secret === undefined
    ? { graceSeconds }
    : { secret: checkString(value.secret, 'secret', MAX_SECRET_LENGTH), graceSeconds };
}

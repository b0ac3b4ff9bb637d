import type { Json, Source } from '../api/types.ts';

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
  /** Create: the secret (empty: generated where possible). Edit: a replacement, effective at once. */
  secret: string;
  toleranceSeconds: string;
  maxBodyBytes: string;
  ruleKind: EventTypeRuleKind;
  /** The header name, JSON pointer or fixed event type of the rule. */
  ruleValue: string;
  alias: string;
  requireJson: boolean;
}

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
    secret: '',
    toleranceSeconds: '300',
    maxBodyBytes: '',
    ruleKind: 'provider',
    ruleValue: '',
    alias: '',
    requireJson: false,
  };
}

export function sourceFormOf(source: Source): SourceFormState {
  const verification = (source.verification ?? {}) as Record<string, Json>;
  const rule = (source.eventTypeRule ?? {}) as Record<string, Json>;
  const text = (value: Json | undefined) => (typeof value === 'string' ? value : '');
  const kind = EVENT_TYPE_RULES.find((k) => k === rule.kind) ?? 'provider';
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
    toleranceSeconds: source.toleranceSeconds === null ? '' : String(source.toleranceSeconds),
    maxBodyBytes: source.maxBodyBytes === null ? '' : String(source.maxBodyBytes),
    ruleKind: kind,
    ruleValue:
      kind === 'header' ? text(rule.name) : kind === 'pointer' ? text(rule.pointer) : text(rule.eventType),
    alias: source.alias ?? '',
    requireJson: source.requireJson,
  };
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const TENANT = /^[A-Za-z0-9_.:-]{1,128}$/;
const ALIAS = /^\/[A-Za-z0-9._~-]{1,64}$/;

export function schemeInfo(name: string): SchemeInfo | undefined {
  return SOURCE_SCHEMES.find((scheme) => scheme.name === name);
}

function integerError(text: string, min: number, max: number): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `A whole number from ${min} to ${max.toLocaleString()}.`;
}

export function validateSourceForm(state: SourceFormState, mode: 'create' | 'edit'): SourceFormErrors {
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
  if (state.scheme === 'hmac' && state.signedContent !== '' && !state.signedContent.includes('{body}')) {
    errors.signedContent = 'Must contain {body}, e.g. {timestamp}.{body}.';
  }
  const secret = state.secret.trim();
  const needsSecret = info?.secret === 'provider' || info?.secret === 'required';
  if (mode === 'create' && needsSecret && secret === '') errors.secret = `Required: ${info?.secretHint}.`;
  if (secret !== '' && state.scheme === 'basic' && !secret.includes(':'))
    errors.secret = 'Write user:password.';
  if (secret !== '' && state.scheme === 'standard-webhooks' && !secret.startsWith('whsec_')) {
    errors.secret = 'Standard Webhooks secrets start with whsec_.';
  }
  const tolerance = integerError(state.toleranceSeconds, 1, 86_400);
  if (tolerance) errors.toleranceSeconds = tolerance;
  const maxBody = integerError(state.maxBodyBytes, 1, 1024 * 1024 * 1024);
  if (maxBody) errors.maxBodyBytes = maxBody;
  const value = state.ruleValue.trim();
  if (state.ruleKind === 'header' && !HEADER_NAME.test(value))
    errors.ruleValue = 'A header name, e.g. X-Event-Type.';
  if (state.ruleKind === 'pointer' && !/^(\/[^/]*)+$/.test(value))
    errors.ruleValue = 'A JSON pointer, e.g. /data/type.';
  if (state.ruleKind === 'fixed' && (value === '' || value.length > 256))
    errors.ruleValue = 'The event type, e.g. payment.received.';
  if (state.alias !== '' && (!ALIAS.test(state.alias) || state.alias === '/in' || state.alias === '/v1')) {
    errors.alias = 'One path segment such as /github, or empty.';
  }
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
  const value = state.ruleValue.trim();
  const body: Record<string, Json> = {
    name: state.name.trim(),
    verification,
    requireJson: state.requireJson,
    alias: state.alias === '' ? null : state.alias,
    eventTypeRule:
      state.ruleKind === 'header'
        ? { kind: 'header', name: value }
        : state.ruleKind === 'pointer'
          ? { kind: 'pointer', pointer: value }
          : state.ruleKind === 'fixed'
            ? { kind: 'fixed', eventType: value }
            : { kind: 'provider' },
  };
  if (state.toleranceSeconds.trim() !== '') body.toleranceSeconds = Number(state.toleranceSeconds);
  if (state.maxBodyBytes.trim() !== '') body.maxBodyBytes = Number(state.maxBodyBytes);
  if (options.tenantEditable && (mode === 'create' ? state.tenant !== '' : true)) {
    body.tenant = state.tenant === '' ? null : state.tenant;
  }
  if (state.secret.trim() !== '' && state.scheme !== 'none') body.secret = state.secret.trim();
  return body;
}

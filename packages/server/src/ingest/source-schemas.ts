import { errorResponses, idParams, isoTime, pageQueryProperties, tenantName } from '../api/schemas/common.ts';

/**
 * OpenAPI schemas of `/v1/sources`. Request bodies are documented here but validated by hand
 * (source-input.ts), so each error names the field in the form clients send it (`response.status`);
 * their properties therefore carry descriptions and no constraints. Response schemas are complete:
 * Fastify serializes through them, so a field missing here would silently vanish from responses.
 */

const rule = {
  type: 'object',
  required: ['kind'],
  additionalProperties: true,
  properties: { kind: { type: 'string' } },
} as const;

const sourceProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  tenant: { type: ['string', 'null'] },
  ingestPath: { type: 'string', description: '`/in/{token}`: the URL path senders POST to.' },
  alias: { type: ['string', 'null'], description: 'One path segment the source also answers on.' },
  verification: {
    type: 'object',
    required: ['scheme'],
    additionalProperties: true,
    properties: { scheme: { type: 'string' } },
    description:
      'The scheme and its options (`header`, `algorithm`, `encoding`, `prefix`, `timestampHeader`…).',
  },
  secretCount: { type: 'integer', description: 'Secrets verifying now (1 + those in their rotation grace).' },
  toleranceSeconds: { type: 'integer' },
  maxBodyBytes: { type: 'integer' },
  contentTypes: { type: ['array', 'null'], items: { type: 'string' } },
  requireJson: { type: 'boolean' },
  decompress: {
    type: 'boolean',
    description: 'A compressed body is stored and forwarded decompressed, without its Content-Encoding.',
  },
  handshake: {
    type: ['object', 'null'],
    required: ['kind'],
    properties: { kind: { type: 'string' }, verifyToken: { type: 'string' } },
    description: "The provider's URL-registration handshake this source answers, or null.",
  },
  response: {
    type: 'object',
    required: ['status', 'body', 'contentType'],
    properties: { status: { type: 'integer' }, body: { type: 'string' }, contentType: { type: 'string' } },
  },
  eventTypeRule: rule,
  dedupRule: rule,
  disabled: { type: 'boolean' },
  createdAt: isoTime,
  updatedAt: isoTime,
} as const;

const sourceSchema = {
  description: 'An inbound source. Its secrets are shown only on create and rotate.',
  type: 'object',
  required: Object.keys(sourceProperties),
  properties: sourceProperties,
} as const;

const withSecrets = {
  ...sourceSchema,
  required: [...sourceSchema.required, 'secrets'],
  properties: {
    ...sourceProperties,
    secrets: { type: 'array', items: { type: 'string' }, description: 'Shown in this response only.' },
  },
} as const;

const documented = (description: string) => ({ description });

const bodyProperties = {
  name: documented('Unique name (1–128 characters). Required on create.'),
  tenant: documented('Tenant label copied onto every message; null for none.'),
  verification: documented(
    '`{"scheme": …}` (standard-webhooks, github, stripe, shopify, slack, svix, twilio, hmac, token, basic, none) plus its options. Required on create.',
  ),
  secret: documented('The secret; generated when omitted and the scheme lets Hookline choose it.'),
  secrets: documented('Several secrets at once (at most 10).'),
  toleranceSeconds: documented('Accepted clock difference in seconds (1–86400, default 300).'),
  maxBodyBytes: documented(
    'Largest body in bytes (default 1 MiB, at most the server limit, 25 MiB by default).',
  ),
  contentTypes: documented('Accepted media types, or null for any.'),
  requireJson: documented('Refuse bodies that are not JSON with 400 invalid_json (default false).'),
  decompress: documented(
    'Store and forward a compressed body (Content-Encoding gzip, deflate, br) decompressed, without its coding, so receivers whose body parser inflates can verify it (default false: forwarded as it came).',
  ),
  handshake: documented(
    'A provider URL-registration handshake to answer, or null (default): `{"kind":"meta","verifyToken"}`, `{"kind":"x"}` and `{"kind":"zoom"}` (both need the hmac scheme; x also requireJson), `{"kind":"microsoft-graph"}`, `{"kind":"dropbox"}` or `{"kind":"okta"}`.',
  ),
  response: documented('`{status (2xx), body, contentType}` sent once stored; default 202 {"ok":true}.'),
  eventTypeRule: documented(
    '`{"kind":"provider"}` (default), `{"kind":"header","name"}`, `{"kind":"pointer","pointer"}` or `{"kind":"fixed","eventType"}`.',
  ),
  dedupRule: documented(
    '`{"kind":"provider"}` (default), `{"kind":"header","name"}`, `{"kind":"pointer","pointer"}` or `{"kind":"none"}`.',
  ),
  alias: documented('One path segment such as `/webhook`, or null.'),
  disabled: documented('A disabled source answers 404.'),
} as const;

const tags = ['Sources'];

export const sourceRouteSchemas = {
  create: {
    tags,
    summary: 'Create a source; its secrets are in this response only',
    body: { type: 'object', properties: bodyProperties },
    response: { 201: withSecrets, ...errorResponses },
  },
  list: {
    tags,
    summary: 'List sources (secrets are never returned)',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { ...pageQueryProperties, tenant: tenantName },
    },
    response: {
      200: {
        description: 'A page of sources.',
        type: 'object',
        required: ['data', 'nextCursor'],
        properties: {
          data: { type: 'array', items: sourceSchema },
          nextCursor: { type: ['string', 'null'] },
        },
      },
      ...errorResponses,
    },
  },
  get: {
    tags,
    summary: 'Get a source',
    params: idParams,
    response: { 200: sourceSchema, ...errorResponses },
  },
  update: {
    tags,
    summary:
      'Update a source; `secret`/`secrets` replace its secrets at once (use rotate for a grace period)',
    params: idParams,
    body: { type: 'object', properties: bodyProperties },
    response: {
      200: {
        ...sourceSchema,
        properties: withSecrets.properties,
        description: 'The source; `secrets` only when replaced.',
      },
      ...errorResponses,
    },
  },
  remove: {
    tags,
    summary: 'Delete a source',
    params: idParams,
    response: { 204: { type: 'null' }, ...errorResponses },
  },
  rotateToken: {
    tags,
    summary: 'Give a source a new ingest token; the old URL stops answering at once',
    params: idParams,
    response: { 200: sourceSchema, ...errorResponses },
  },
  rotateSecret: {
    tags,
    summary: 'Add a new current secret; the old ones keep verifying for graceSeconds',
    params: idParams,
    body: {
      type: 'object',
      properties: {
        secret: documented('The new secret; generated when omitted and the scheme lets Hookline choose it.'),
        graceSeconds: documented('How long the old secrets keep verifying (0–604800, default 86400).'),
      },
    },
    response: {
      200: {
        ...sourceSchema,
        required: [...sourceSchema.required, 'secret'],
        properties: {
          ...sourceProperties,
          secret: { type: 'string', description: 'Shown in this response only.' },
        },
      },
      ...errorResponses,
    },
  },
} as const;

import { deliveryCancelAction, messageCancelAction } from './cancel-actions.ts';
import { endpointRecoverAction } from './endpoint-recover-action.ts';
import { endpointDisableAction, endpointEnableAction } from './endpoint-state-actions.ts';
import { endpointTestAction } from './endpoint-test-action.ts';
import { resourceCommand } from './resource-command.ts';
import {
  endpointRotateSecretAction,
  sourceRotateSecretAction,
  sourceRotateTokenAction,
} from './rotation-actions.ts';
import { sourceFailuresAction } from './source-failures-action.ts';

/** `hookline endpoints …` */
export const endpointsCommand = resourceCommand({
  name: 'endpoints',
  path: '/v1/endpoints',
  noun: 'delivery endpoints',
  actions: ['list', 'create', 'get', 'update', 'delete'],
  itemActions: [
    endpointRotateSecretAction,
    endpointEnableAction,
    endpointDisableAction,
    endpointTestAction,
    endpointRecoverAction,
  ],
  columns: ['id', 'url', 'eventTypes', 'disabled', 'description'],
  fields: {
    url: { body: 'url', help: 'destination URL' },
    events: { body: 'eventTypes', list: true, help: 'event types, comma separated, * wildcards' },
    description: { body: 'description', help: 'free text' },
  },
  examples: `  hookline endpoints list
  hookline endpoints create --url https://example.com/hooks --events 'invoice.*,user.created'
  hookline endpoints update ep_123 --data '{"rateLimitPerSecond":10}'
  hookline endpoints delete ep_123 --json
  hookline endpoints rotate-secret ep_123 --grace 2h
  hookline endpoints disable ep_123 --reason 'receiver down for maintenance'
  hookline endpoints enable ep_123
  hookline endpoints test ep_123 --event-type invoice.paid --data @invoice.json
  hookline endpoints recover ep_123 --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z`,
});

/**
 * `hookline sources …`. `--handshake` and `--verify-token` fill one `handshake` object, which an update
 * replaces whole; a field flag only sets a string, so clearing it is `--data '{"handshake":null}'`.
 */
export const sourcesCommand = resourceCommand({
  name: 'sources',
  path: '/v1/sources',
  noun: 'inbound sources (ingest URLs)',
  notes: `--handshake answers a provider's URL check (docs/receiving.md, Provider handshakes); x and zoom need
the hmac scheme, x also requireJson. An update replaces the whole handshake (--handshake meta with a new
--verify-token); --data '{"handshake":null}' clears it.`,
  actions: ['list', 'create', 'get', 'update', 'delete'],
  itemActions: [sourceRotateTokenAction, sourceRotateSecretAction, sourceFailuresAction],
  columns: ['id', 'name', 'verification.scheme', 'ingestPath', 'alias', 'disabled'],
  fields: {
    name: { body: 'name', help: 'unique source name' },
    scheme: {
      body: 'verification.scheme',
      help: 'verification scheme (stripe, github, standard-webhooks, hmac, none, …)',
    },
    secret: { body: 'secret', help: 'verification secret (generated when omitted and the scheme allows)' },
    handshake: {
      body: 'handshake.kind',
      help: 'provider handshake to answer: meta, x, zoom, microsoft-graph, dropbox, okta',
    },
    'verify-token': { body: 'handshake.verifyToken', help: "meta: the verify token set in Meta's settings" },
  },
  examples: `  hookline sources list
  hookline sources create --name stripe --scheme stripe --secret whsec_…
  hookline sources get src_123 --json
  hookline sources update src_123 --handshake meta --verify-token my-verify-token
  hookline sources update src_123 --data '{"handshake":null}'
  hookline sources rotate-token src_123
  hookline sources rotate-secret src_123 --secret whsec_… --grace 1h
  hookline sources failures src_123`,
});

/** `hookline keys …` */
export const keysCommand = resourceCommand({
  name: 'keys',
  aliases: ['api-keys'],
  path: '/v1/api-keys',
  noun: 'API keys',
  notes: `revoke ID: the key stops working at once on that server, within 5 s on the others; it stays
listed with its revokedAt time. A revoked key cannot be restored: create a new one.`,
  actions: ['list', 'create', 'revoke'],
  legacyActions: { delete: 'revoke' },
  columns: ['id', 'name', 'scopes', 'tenant', 'prefix', 'createdAt', 'revokedAt'],
  fields: {
    name: { body: 'name', help: 'what the key is for' },
    scopes: { body: 'scopes', list: true, help: 'admin, publish, read (comma separated)' },
    tenant: { body: 'tenant', help: 'restrict the key to one tenant' },
  },
  examples: `  hookline keys list
  hookline keys create --name billing --scopes publish --tenant acme
  hookline keys revoke key_123
  hookline keys revoke key_123 --json | jq -r .revokedAt`,
});

/** `hookline event-types …` */
export const eventTypesCommand = resourceCommand({
  name: 'event-types',
  path: '/v1/event-types',
  noun: 'event types of the catalog',
  actions: ['list', 'create', 'get', 'update', 'delete'],
  columns: ['name', 'description', 'enforceSchema', 'archived'],
  fields: {
    name: { body: 'name', help: 'event type name, e.g. invoice.paid' },
    description: { body: 'description', help: 'free text' },
  },
  examples: `  hookline event-types list
  hookline event-types create --name invoice.paid --description 'An invoice was paid'
  hookline event-types update invoice.paid --data '{"archived":true}'`,
});

/** `hookline messages …`: resending one is `hookline replay`. */
export const messagesCommand = resourceCommand({
  name: 'messages',
  path: '/v1/messages',
  noun: 'published and received messages',
  notes: 'To send a message again, to one endpoint or all: hookline replay msg_… [--endpoint ep_…].',
  actions: ['get'],
  itemActions: [messageCancelAction],
  columns: ['id', 'eventType', 'tenant', 'sourceId', 'createdAt'],
  fields: {},
  examples: `  hookline messages get msg_123 --json | jq .payload
  hookline messages cancel msg_123
  hookline replay msg_123 --endpoint ep_123`,
});

/** `hookline deliveries …` */
export const deliveriesCommand = resourceCommand({
  name: 'deliveries',
  path: '/v1/deliveries',
  noun: 'deliveries (one message to one endpoint, with its retries)',
  actions: ['get'],
  itemActions: [deliveryCancelAction],
  columns: ['id', 'messageId', 'endpointId', 'status', 'attemptCount', 'nextAttemptAt'],
  fields: {},
  examples: `  hookline deliveries get dlv_123
  hookline deliveries cancel dlv_123`,
});

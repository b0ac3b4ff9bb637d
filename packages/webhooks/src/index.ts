// Public API of @hookline/webhooks. Everything is re-exported from here; deep imports are not supported.

export {
  type FastifyInstanceLike,
  type FastifyPluginOptions,
  type FastifyReplyLike,
  type FastifyRequestLike,
  webhooksFastify,
} from './adapters/fastify-plugin.ts';
export { type NodeMiddlewareOptions, toNodeMiddleware } from './adapters/node-middleware.ts';
export { toRequestHandler } from './adapters/request-handler.ts';
export {
  failure,
  MESSAGE_PREFIX,
  type VerifyErrorCode,
  type VerifyFailure,
  type VerifyResult,
  type VerifySuccess,
  WebhookError,
} from './errors.ts';
export { getHeader, type HeadersInput } from './headers.ts';
export type { HashAlgorithm } from './hmac.ts';
export {
  generateKeyPair,
  generateSecret,
  type KeyPair,
  PUBLIC_KEY_PREFIX,
  publicKeyOf,
  type RandomBytes,
  SECRET_KEY_PREFIX,
  SECRET_PREFIX,
} from './keys.ts';
export { RAW_BODY_HELP, type RawBody } from './raw-body.ts';
export {
  type AnyWebhookEvent,
  createReceiver,
  DEFAULT_MAX_BODY_BYTES,
  type ReceiveOutcome,
  type Receiver,
  type ReceiverError,
  type ReceiverOptions,
  STATUS_BY_CODE,
  type WebhookEvent,
} from './receiver.ts';
export type {
  Scheme,
  SchemeConfig,
  SchemeName,
  SignRequest,
  WebhookDescription,
  WebhookRequest,
} from './scheme.ts';
export { basicScheme } from './schemes/basic.ts';
export { githubScheme } from './schemes/github.ts';
export { DEFAULT_HMAC_HEADER, DEFAULT_SIGNED_CONTENT, hmacScheme } from './schemes/hmac.ts';
export { noneScheme } from './schemes/none.ts';
export { shopifyScheme } from './schemes/shopify.ts';
export { slackScheme } from './schemes/slack.ts';
export { standardWebhooksScheme } from './schemes/standard-webhooks.ts';
export { stripeScheme } from './schemes/stripe.ts';
export { SVIX_HEADERS, svixScheme } from './schemes/svix.ts';
export { DEFAULT_TOKEN_HEADER, tokenScheme } from './schemes/token.ts';
export { twilioBodyUrl, twilioScheme } from './schemes/twilio.ts';
export { isSchemeName, schemes } from './schemes.ts';
export {
  STANDARD_HEADERS,
  type StandardHeaderNames,
  type StandardSignInput,
  sign,
  verify,
} from './standard-webhooks.ts';
export { checkTolerance, DEFAULT_TOLERANCE_SECONDS, parseTimestamp } from './timestamp.ts';
export { timingSafeEqual } from './timing-safe-equal.ts';

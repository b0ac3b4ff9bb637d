import type { VerifyResult } from './errors.ts';
import type { HeadersInput } from './headers.ts';
import type { HashAlgorithm } from './hmac.ts';
import type { RawBody } from './raw-body.ts';

/** An incoming webhook request, as any framework can give it. */
export interface WebhookRequest {
  readonly headers: HeadersInput;
  /**
   * The exact bytes received (or their text). Typed `unknown` on purpose: a parsed object is refused at
   * run time with `body_not_raw` and a message that says how to get the raw body in your framework.
   */
  readonly body: RawBody | unknown;
  /** The full public URL the sender called (Twilio signs it). */
  readonly url?: string;
  readonly method?: string;
}

/** What a signer signs: the body and, for schemes that sign them, an id, a timestamp and the URL. */
export interface SignRequest {
  readonly body: RawBody;
  /** Message id (Standard Webhooks, Svix). Defaults to a random `msg_…`. */
  readonly id?: string;
  /** Seconds since the epoch. Defaults to `config.now()`. */
  readonly timestamp?: number;
  /** The URL the request goes to (Twilio signs it). */
  readonly url?: string;
}

/**
 * Options of every scheme, in one shape so a server can keep a scheme's configuration as plain data.
 * Each scheme reads the options it needs and ignores the others; the scheme's TSDoc lists which.
 */
export interface SchemeConfig {
  /** The secret. Same as `secrets: [secret]`. `undefined` is allowed so `process.env.X` can be passed as is. */
  readonly secret?: string | undefined;
  /**
   * Secrets, newest first. Verification accepts a signature made with any of them (rotation); signers of
   * schemes that carry several signatures sign with each, the others sign with the first.
   */
  readonly secrets?: readonly string[] | undefined;
  /** Accepted clock difference in both directions, in seconds. Default 300. */
  readonly toleranceSeconds?: number | undefined;
  /** Clock in milliseconds since the epoch. Default `Date.now`. Inject it in tests. */
  readonly now?: (() => number) | undefined;
  /** `hmac`/`token`: the header that carries the signature or token. */
  readonly header?: string;
  /** `hmac`: hash function. Default `sha256`. */
  readonly algorithm?: HashAlgorithm;
  /** `hmac`: signature encoding. Default `hex`. */
  readonly encoding?: 'hex' | 'base64';
  /** `hmac`: prefix before the signature in the header, such as `sha256=`. Default none. */
  readonly prefix?: string;
  /** `hmac`: header carrying a timestamp that is part of the signed content (checked against the tolerance). */
  readonly timestampHeader?: string;
  /**
   * `hmac`: template of the signed content when a timestamp header is set: `{timestamp}` and `{body}` are
   * replaced by the header value and the raw body; both must appear. Default `{timestamp}.{body}`.
   */
  readonly signedContent?: string;
  /** `github`: also accept the legacy SHA-1 `X-Hub-Signature` when the SHA-256 header is absent. */
  readonly allowSha1?: boolean;
}

/** Provider metadata of a request: its event id (for dedup) and event type (for routing). */
export interface WebhookDescription {
  readonly id?: string;
  readonly eventType?: string;
}

/** Names of the built-in schemes. */
export type SchemeName =
  | 'standard-webhooks'
  | 'github'
  | 'stripe'
  | 'shopify'
  | 'slack'
  | 'svix'
  | 'twilio'
  | 'hmac'
  | 'token'
  | 'basic'
  | 'none';

/**
 * One signature scheme. Every built-in scheme has exactly this shape, so code that receives from any
 * provider picks a scheme by name from `schemes` and calls the same three functions.
 */
export interface Scheme {
  /** A built-in name, or your own for a custom scheme passed to `createReceiver`. */
  readonly name: SchemeName | (string & {});
  /** Verifies a request over its raw bytes. Never throws: expected failures are typed results. */
  verify(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult>;
  /**
   * The headers to add to a request so that `verify` (and the provider's own libraries) accept it.
   * Throws a {@link WebhookError} when the config has no usable secret.
   */
  sign(request: SignRequest, config: SchemeConfig): Promise<Record<string, string>>;
  /** The provider's event id and type, from headers and the JSON body (`json`, parsed from `body` if omitted). */
  describe(request: WebhookRequest, json?: unknown): WebhookDescription;
}

import { ed25519PrivateKey, ed25519PublicKey, ed25519PublicOf } from './ed25519.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import { failure, type VerifyResult, WebhookError } from './errors.ts';
import { hmac } from './hmac.ts';
import { type ParsedKey, parseKey } from './keys.ts';
import { contentBytes, type MacContent } from './mac-content.ts';
import { rawBytes } from './raw-body.ts';
import type { SchemeConfig, WebhookRequest } from './scheme.ts';
import {
  bytesToSign,
  isFailure,
  MAX_SIGNATURES,
  nowMs,
  randomId,
  requireHeader,
  secretsOf,
  signingSecrets,
} from './scheme-support.ts';
import { checkTolerance, parseTimestamp } from './timestamp.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

/** Names of the three headers: Standard Webhooks uses `webhook-*`, Svix the same scheme under `svix-*`. */
export interface StandardHeaderNames {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
}

/** The Standard Webhooks header names. */
export const STANDARD_HEADERS: StandardHeaderNames = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
};

// Ids are short (Svix: ~30 characters); a cap keeps a hostile id from inflating the signed content.
const MAX_ID_LENGTH = 256;

/** Input of {@link sign}. */
export interface StandardSignInput {
  /** Message id, stable across retries. Default: a random `msg_…`. */
  readonly id?: string;
  /** Seconds since the epoch. Default: now. */
  readonly timestamp?: number;
  /** The exact bytes (or text) sent as the body. */
  readonly body: Uint8Array | ArrayBuffer | string;
  /** `whsec_` secrets (v1) and/or `whsk_` keys (v1a): one signature per secret, for rotation. */
  readonly secrets: readonly string[];
  /** Clock for the default timestamp, in milliseconds. */
  readonly now?: () => number;
}

function signedContent(id: string, timestamp: number | string, body: Uint8Array): MacContent {
  return [`${id}.${timestamp}.`, body];
}

/**
 * Signs a message the Standard Webhooks way and returns the three headers to send. Each secret adds one
 * signature to `webhook-signature`: `v1,<base64>` for a `whsec_` secret, `v1a,<base64>` for a `whsk_` key.
 * Throws a {@link WebhookError} (`invalid_secret`, `body_not_raw`) when misused.
 * @example
 * const headers = await sign({ id: 'msg_1', body: JSON.stringify(event), secrets: [secret] });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export async function sign(
  input: StandardSignInput,
  names: StandardHeaderNames = STANDARD_HEADERS,
): Promise<Record<string, string>> {
  const secrets = signingSecrets({ secrets: input.secrets });
  const body = bytesToSign(input.body);
  const id = input.id ?? randomId();
  const timestamp = input.timestamp ?? Math.floor((input.now ?? Date.now)() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new WebhookError(
      'invalid_timestamp',
      'the timestamp to sign must be whole seconds since the epoch',
    );
  }
  const content = signedContent(id, timestamp, body);
  // Ed25519 takes one buffer: the pieces are joined once, for the first asymmetric key that needs them.
  let joined: Uint8Array<ArrayBuffer> | undefined;
  const signatures: string[] = [];
  for (const [index, secret] of secrets.entries()) {
    const key = parseKey(secret, index);
    if ('ok' in key) throw WebhookError.fromFailure(key);
    if (key.kind === 'ed25519-public') {
      throw new WebhookError(
        'invalid_secret',
        `secret #${index + 1} is a whpk_ public key, which cannot sign`,
      );
    }
    if (key.kind === 'symmetric') {
      signatures.push(`v1,${toBase64(await hmac('sha256', key.key, content, key.secret))}`);
    } else {
      const privateKey = await ed25519PrivateKey(key.seed);
      joined ??= contentBytes(content);
      const signature = await crypto.subtle.sign('Ed25519', privateKey, joined);
      signatures.push(`v1a,${toBase64(new Uint8Array(signature))}`);
    }
  }
  return {
    [names.id]: id,
    [names.timestamp]: String(timestamp),
    [names.signature]: signatures.join(' '),
  };
}

/**
 * Whether an Ed25519 signature verifies. Node accepts any 32 bytes as a public key, but other runtimes
 * may refuse some encodings at import; a key that cannot be used then simply verifies nothing, so a
 * hostile or corrupt key never turns into an exception.
 */
async function ed25519Verifies(
  key: Exclude<ParsedKey, { kind: 'symmetric' }>,
  signature: Uint8Array<ArrayBuffer>,
  content: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  try {
    const raw = key.kind === 'ed25519-public' ? key.key : await ed25519PublicOf(key.seed);
    const publicKey = await ed25519PublicKey(raw);
    return await crypto.subtle.verify('Ed25519', publicKey, signature, content);
    /* node:coverage ignore next 3 */
  } catch {
    return false;
  }
}

/**
 * Verifies a Standard Webhooks request (v1 HMAC-SHA256 and v1a Ed25519) over its raw body. Accepts the
 * request when any signature in the header matches any configured secret; checks the timestamp against
 * the tolerance in both directions. Never throws.
 * @example
 * const result = await verify({ headers: req.headers, body: rawBody }, { secret: process.env.WEBHOOK_SECRET });
 * if (!result.ok) return new Response(result.message, { status: 401 });
 */
export async function verify(
  request: WebhookRequest,
  config: SchemeConfig,
  names: StandardHeaderNames = STANDARD_HEADERS,
): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const keys: ParsedKey[] = [];
  for (const [index, secret] of secrets.entries()) {
    const key = parseKey(secret, index);
    if ('ok' in key) return key;
    keys.push(key);
  }
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const id = requireHeader(request, names.id);
  if (isFailure(id)) return id;
  const timestampHeader = requireHeader(request, names.timestamp);
  if (isFailure(timestampHeader)) return timestampHeader;
  const header = requireHeader(request, names.signature);
  if (isFailure(header)) return header;
  if (id.length > MAX_ID_LENGTH) {
    return failure('malformed_header', `the ${names.id} header is longer than ${MAX_ID_LENGTH} characters`);
  }
  const timestamp = parseTimestamp(timestampHeader, names.timestamp);
  if (isFailure(timestamp)) return timestamp;
  const late = checkTolerance(timestamp, nowMs(config), config.toleranceSeconds);
  if (late) return late;

  const parts = header.split(' ').filter((part) => part !== '');
  if (parts.length > MAX_SIGNATURES) {
    return failure(
      'malformed_header',
      `the ${names.signature} header has more than ${MAX_SIGNATURES} signatures`,
    );
  }
  const content = signedContent(id, timestampHeader, body);
  // Joined once, when the first v1a signature meets an Ed25519 key (HMAC takes the pieces as they are).
  let joined: Uint8Array<ArrayBuffer> | undefined;
  const macs = new Map<number, Promise<Uint8Array>>();
  let known = 0;
  let wellFormed = 0;
  for (const part of parts) {
    const comma = part.indexOf(',');
    const version = comma < 0 ? '' : part.slice(0, comma);
    const signature = comma < 0 ? undefined : fromBase64(part.slice(comma + 1));
    if (version !== 'v1' && version !== 'v1a') {
      if (comma > 0) wellFormed++;
      continue;
    }
    known++;
    if (signature === undefined) continue;
    wellFormed++;
    for (const [index, key] of keys.entries()) {
      if (version === 'v1' && key.kind === 'symmetric') {
        let mac = macs.get(index);
        if (mac === undefined) {
          mac = hmac('sha256', key.key, content, key.secret);
          macs.set(index, mac);
        }
        if (timingSafeEqual(await mac, signature)) return { ok: true, id, timestamp, secretIndex: index };
      } else if (version === 'v1a' && key.kind !== 'symmetric' && signature.length === 64) {
        joined ??= contentBytes(content);
        if (await ed25519Verifies(key, signature, joined))
          return { ok: true, id, timestamp, secretIndex: index };
      }
    }
  }
  if (wellFormed === 0) {
    return failure(
      'malformed_header',
      `the ${names.signature} header has no well-formed signature (expected space-separated "v1,<base64>" or "v1a,<base64>")`,
    );
  }
  if (known === 0) {
    return failure(
      'unsupported_version',
      `the ${names.signature} header has no v1 or v1a signature (only unknown versions were sent)`,
    );
  }
  return failure(
    'invalid_signature',
    'no signature matches: the secret is wrong (or was rotated), or the body, id or timestamp were changed in transit',
  );
}

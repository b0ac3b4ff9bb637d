import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Source } from '../store/types.ts';
import { IngestError } from './ingest-errors.ts';
import { activeSecrets } from './verify-source.ts';

/**
 * How a handshake is answered: always a 200 (a refused handshake throws instead), with a body the
 * provider checks. `name` is what the log line says was answered.
 */
export interface HandshakeAnswer {
  name: string;
  contentType: string | null;
  body: string;
}

/**
 * Longest challenge echoed or signed. Providers' are tens of characters (Microsoft Graph's validation
 * token about 200); the bound keeps an answer small whatever a caller sends.
 */
export const MAX_CHALLENGE_LENGTH = 1024;

// Printable text only: an echo is plain text, and a control character has no business in a challenge.
const PRINTABLE = /^[\x20-\x7e]+$/;

function challengeOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (value.length === 0 || value.length > MAX_CHALLENGE_LENGTH || !PRINTABLE.test(value)) return null;
  return value;
}

/** A plain-text echo; nosniff keeps a browser from reading it as anything else. */
function echo(name: string, challenge: string): HandshakeAnswer {
  return { name, contentType: 'text/plain; charset=utf-8', body: challenge };
}

/** Constant-time text comparison: digests first, so neither content nor length shows in the timing. */
function sameText(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function only(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  return values.length === 1 ? (values[0] ?? null) : null;
}

/**
 * X's Account Activity CRC answer: `sha256=` and the base64 HMAC-SHA256 of the token under the consumer
 * secret, which is also the key X signs events with. That makes the CRC an oracle for the signature of
 * any text a caller picks, so a token that parses as JSON is refused: it could otherwise be posted
 * back as a verified JSON event; any other answer signs a body an X source refuses, since it must
 * require JSON (assertHandshakeFits in source-input.ts).
 */
function xCrc(token: string, secret: string): HandshakeAnswer | null {
  try {
    JSON.parse(token);
    return null;
  } catch {
    const digest = createHmac('sha256', secret).update(token).digest('base64');
    return {
      name: 'x crc',
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ response_token: `sha256=${digest}` }),
    };
  }
}

/**
 * The answer to a provider handshake that comes as a query or a header rather than a signed event, or
 * null when the request is not the source's handshake (it then goes on as any other request would):
 * - `meta` (Facebook, Instagram, WhatsApp, Messenger): `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`,
 *   the challenge echoed when the verify token matches; a wrong token is `403 invalid_token`;
 * - `x`: `GET ?crc_token=…`, answered with the token's HMAC under the newest live secret (see `xCrc`);
 * - `dropbox`: `GET ?challenge=…`, echoed;
 * - `okta`: `GET` with `X-Okta-Verification-Challenge`, answered `{"verification": …}`;
 * - `microsoft-graph`: `POST ?validationToken=…`, the decoded token echoed as plain text.
 *
 * None of them is signed by its provider, and none needs to be: the answer stores, forwards and
 * triggers nothing, echoes only printable text as `text/plain` (or inside JSON), and is given only to
 * sources configured for that provider. `now` picks the live secrets (X's answer only).
 */
export function urlHandshake(
  source: Pick<Source, 'handshake' | 'secrets'>,
  request: { method: string; url: string; headers: IncomingHttpHeaders },
  now: number,
): HandshakeAnswer | null {
  const handshake = source.handshake;
  if (handshake === null) return null;
  const query = request.url.indexOf('?');
  const params = new URLSearchParams(query < 0 ? '' : request.url.slice(query + 1));
  if (handshake.kind === 'microsoft-graph') {
    if (request.method !== 'POST') return null;
    const token = challengeOf(only(params, 'validationToken'));
    return token === null ? null : echo('microsoft graph validation', token);
  }
  if (request.method !== 'GET') return null;
  switch (handshake.kind) {
    case 'meta': {
      if (only(params, 'hub.mode') !== 'subscribe') return null;
      const challenge = challengeOf(only(params, 'hub.challenge'));
      if (challenge === null) return null;
      if (!sameText(only(params, 'hub.verify_token') ?? '', handshake.verifyToken)) {
        throw new IngestError('invalid_token');
      }
      return echo('meta verification', challenge);
    }
    case 'x': {
      const token = challengeOf(only(params, 'crc_token'));
      const secret = token === null ? undefined : activeSecrets(source, now)[0];
      return token === null || secret === undefined ? null : xCrc(token, secret);
    }
    case 'dropbox': {
      const challenge = challengeOf(only(params, 'challenge'));
      return challenge === null ? null : echo('dropbox verification', challenge);
    }
    case 'okta': {
      const header = request.headers['x-okta-verification-challenge'];
      const challenge = challengeOf(typeof header === 'string' ? header : null);
      if (challenge === null) return null;
      return {
        name: 'okta verification',
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ verification: challenge }),
      };
    }
    default:
      return null;
  }
}

/**
 * Zoom's `endpoint.url_validation` answer, or null when the event is not one: `{plainToken,
 * encryptedToken}` with the hex HMAC-SHA256 of the plain token under the secret token. Zoom signs the
 * validation like any event, so this is called only after the request verified, and signs with the
 * secret that verified it (`secretOf`, asked only for a validation): Zoom validates again every 72
 * hours, also while a rotated secret is in its grace.
 */
export async function zoomValidation(
  source: Pick<Source, 'handshake'>,
  json: unknown,
  secretOf: () => Promise<string | undefined>,
): Promise<HandshakeAnswer | null> {
  if (source.handshake?.kind !== 'zoom') return null;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const { event, payload } = json as Record<string, unknown>;
  if (event !== 'endpoint.url_validation' || typeof payload !== 'object' || payload === null) return null;
  const plainToken = challengeOf((payload as Record<string, unknown>).plainToken);
  if (plainToken === null) return null;
  const secret = await secretOf();
  if (secret === undefined) return null;
  return {
    name: 'zoom url_validation',
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({
      plainToken,
      encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex'),
    }),
  };
}

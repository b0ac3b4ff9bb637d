import { fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from '../encoding.ts';
import { failure, type VerifyResult, WebhookError } from '../errors.ts';
import { findMatchingSecret, hmac, sha256 } from '../hmac.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import {
  bytesToSign,
  headerField,
  isFailure,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';
import { timingSafeEqual } from '../timing-safe-equal.ts';

const HEADER = 'x-twilio-signature';
const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?([^/?#:]*)(:[0-9]*)?(.*)$/is;
const DEFAULT_PORTS: Record<string, string> = { 'https://': ':443', 'http://': ':80' };

/**
 * The URL spellings Twilio may have signed: without a port, and with the scheme's default port (Twilio's
 * own validators try both, since a proxy may add or drop it). Everything else is kept byte for byte.
 */
function urlVariants(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (match === null) return [url];
  const [, scheme = '', user = '', host = '', port, rest = ''] = match;
  const withoutPort = scheme + user + host + rest;
  const withPort = scheme + user + host + (port ?? DEFAULT_PORTS[scheme.toLowerCase()] ?? '') + rest;
  return withoutPort === withPort ? [url] : [withoutPort, withPort];
}

/**
 * Form parameters sorted by name, each name followed by its value, as Twilio concatenates them. A
 * repeated name contributes each distinct value once, sorted (Twilio's published vector with
 * `Digits=5678&Digits=1234&Digits=1234` verifies only that way).
 */
function formPayload(body: Uint8Array): string {
  const params = new URLSearchParams(fromUtf8(body));
  const names = [...new Set(params.keys())].sort();
  let out = '';
  for (const name of names) for (const value of [...new Set(params.getAll(name))].sort()) out += name + value;
  return out;
}

function bodySha256Param(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).get('bodySHA256') ?? undefined;
}

async function verifyTwilio(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const header = requireHeader(request, HEADER);
  if (isFailure(header)) return header;
  if (request.url === undefined || request.url === '') {
    return failure(
      'missing_url',
      'Twilio signs the full public URL: pass `url` (as Twilio called it) to verify',
    );
  }
  const signature = fromBase64(header);
  if (signature === undefined || signature.length !== 20) {
    return failure('malformed_header', 'the X-Twilio-Signature header does not hold a base64 SHA-1 digest');
  }
  const bodyHash = bodySha256Param(request.url);
  if (bodyHash !== undefined) {
    // JSON bodies: the signature covers the URL, whose bodySHA256 parameter pins the body.
    const expected = fromHex(bodyHash);
    if (expected === undefined || !timingSafeEqual(await sha256(body), expected)) {
      return failure('invalid_signature', 'the body does not match the bodySHA256 parameter of the URL');
    }
  }
  const params = bodyHash === undefined ? formPayload(body) : '';
  const candidates = urlVariants(request.url).map((url) => utf8(url + params));
  for (const content of candidates) {
    const index = await findMatchingSecret('sha1', secrets, content, [signature]);
    if (index !== undefined) return { ok: true, secretIndex: index };
  }
  return failure(
    'invalid_signature',
    'no auth token produces the signature: check the auth token and that `url` is exactly the public URL Twilio called',
  );
}

/**
 * The URL to give Twilio-style signing of a JSON body: `url` with `bodySHA256=<hex sha256 of body>` added.
 * @example
 * const url = await twilioBodyUrl('https://example.com/hook', body); // …/hook?bodySHA256=…
 */
export async function twilioBodyUrl(url: string, body: Uint8Array | ArrayBuffer | string): Promise<string> {
  const hash = toHex(await sha256(bytesToSign(body)));
  return `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${hash}`;
}

/**
 * Twilio (`X-Twilio-Signature: <base64>`, HMAC-SHA1 keyed with the auth token over the full URL followed by
 * the form parameters sorted by name; for JSON bodies, over the URL whose `bodySHA256` parameter is the
 * body's SHA-256). The request must carry `url`. Options: `secret`/`secrets` (auth tokens).
 * Event id: `I-Twilio-Idempotency-Token`.
 */
export const twilioScheme: Scheme = {
  name: 'twilio',
  verify: verifyTwilio,
  sign: async (request, config) => {
    const secret = signingSecrets(config)[0] as string;
    if (request.url === undefined) throw new WebhookError('missing_url', 'Twilio signing needs the `url`');
    const body = bytesToSign(request.body);
    const params = bodySha256Param(request.url) === undefined ? formPayload(body) : '';
    return { [HEADER]: toBase64(await hmac('sha1', secret, utf8(request.url + params))) };
  },
  describe: (request) => {
    const id = headerField(request, 'i-twilio-idempotency-token');
    return id === undefined ? {} : { id };
  },
};

// Strict padded base64, as @hookline/webhooks decodes it: a looser check would save a secret here that
// the library then refuses on every signature or verification.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * True when `secret` is `prefix` followed by the base64 of `minBytes` to `maxBytes` bytes: `whsec_` (24 to
 * 64 bytes; Svix issues 24, Hookline generates 32) and `whsk_` (a 32-byte ed25519 seed).
 */
export function isBase64Secret(secret: string, prefix: string, minBytes: number, maxBytes: number): boolean {
  if (!secret.startsWith(prefix)) return false;
  const body = secret.slice(prefix.length);
  if (!BASE64.test(body)) return false;
  // Counted from the length, not decoded: the dashboard's forms run this check in the browser.
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  const bytes = (body.length / 4) * 3 - padding;
  return bytes >= minBytes && bytes <= maxBytes;
}

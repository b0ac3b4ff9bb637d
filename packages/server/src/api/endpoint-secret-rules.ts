import { isBase64Secret } from '../secrets/is-base64-secret.ts';

// No Node imports: the API (endpoint-secrets.ts) and the dashboard's endpoint and rotation forms both
// hold a given signing secret to this rule, so the form refuses exactly what the API would.

/**
 * Why `secret` cannot sign for the signing scheme `scheme`, in the words of the API's `invalid_secret`,
 * or undefined: `whsec_` (24 to 64 bytes) for Standard Webhooks v1, a `whsk_` ed25519 seed for v1a,
 * 16 to 256 visible ASCII characters for the legacy hmac and token headers.
 */
export function endpointSecretProblem(scheme: string, secret: string): string | undefined {
  const ok =
    scheme === 'standard-webhooks-v1'
      ? isBase64Secret(secret, 'whsec_', 24, 64)
      : scheme === 'standard-webhooks-v1a'
        ? isBase64Secret(secret, 'whsk_', 32, 32)
        : /^[\x21-\x7e]{16,256}$/.test(secret);
  if (ok) return undefined;
  const expected =
    scheme === 'standard-webhooks-v1'
      ? 'whsec_ followed by the base64 of 24 to 64 bytes'
      : scheme === 'standard-webhooks-v1a'
        ? 'whsk_ followed by the base64 of a 32-byte ed25519 seed'
        : '16 to 256 visible ASCII characters';
  return `The secret must be ${expected}.`;
}

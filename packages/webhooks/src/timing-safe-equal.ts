/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they differ.
 * Returns `false` on a length mismatch instead of throwing (unlike `node:crypto.timingSafeEqual`), so a
 * truncated or padded signature from the network is an ordinary failure.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // Walk the expected length whatever the input length, so the loop count does not depend on the input.
  const length = a.length;
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

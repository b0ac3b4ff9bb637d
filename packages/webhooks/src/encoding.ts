// Byte/text conversions shared by every scheme. Web-platform only (TextEncoder, btoa/atob), so the
// package runs unchanged in Node, Deno, Bun and Workers.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// Nibble of each char code ('0'-'9', 'a'-'f', 'A'-'F'), -1 for anything else: a table lookup per char
// instead of a regex test and a parseInt of a sliced string per byte (fromHex runs on every hex
// signature a receiver checks).
const NIBBLES = Int8Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code);
  return /^[0-9a-fA-F]$/.test(char) ? Number.parseInt(char, 16) : -1;
});

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** The string of UTF-8 bytes (invalid sequences become U+FFFD, never an exception). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** Bytes of a hex string (either case), or `undefined` when it is not hex. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = NIBBLES[text.charCodeAt(i * 2)] ?? -1;
    const low = NIBBLES[text.charCodeAt(i * 2 + 1)] ?? -1;
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard padded base64 of bytes. Encoded by table, three bytes at a time: a signature per delivery is
 * on the hot path, and building a binary string for `btoa` from spread arguments took three times longer.
 */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      BASE64_DIGITS.charAt(n >> 18) +
      BASE64_DIGITS.charAt((n >> 12) & 63) +
      BASE64_DIGITS.charAt((n >> 6) & 63) +
      BASE64_DIGITS.charAt(n & 63);
  }
  const left = bytes.length - i;
  if (left > 0) {
    const n = ((bytes[i] as number) << 16) | (left === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out +=
      BASE64_DIGITS.charAt(n >> 18) +
      BASE64_DIGITS.charAt((n >> 12) & 63) +
      (left === 2 ? BASE64_DIGITS.charAt((n >> 6) & 63) : '=') +
      '=';
  }
  return out;
}

/** Unpadded base64url of bytes (JWK fields, ids). */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * Bytes of a strict, padded, standard base64 string, or `undefined` when it is anything else
 * (`atob` alone accepts whitespace and missing padding, which would let two headers mean one thing).
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes of an unpadded base64url string, or `undefined`. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const padded = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return fromBase64(padded);
}

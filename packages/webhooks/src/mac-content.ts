import { concatBytes, utf8 } from './encoding.ts';

/**
 * What an HMAC covers: bytes, or pieces taken as if concatenated (a string counts as its UTF-8 bytes).
 * Pieces let a scheme sign `{prefix}{body}` without copying the body: the built-in HMAC is fed each
 * piece in turn, and only the Web Crypto path, which takes one buffer, joins them.
 */
export type MacContent = Uint8Array<ArrayBuffer> | readonly (string | Uint8Array)[];

/** True when `content` comes in pieces. Array.isArray, not instanceof: bytes may come from another realm. */
export function isPieces(content: MacContent): content is readonly (string | Uint8Array)[] {
  return Array.isArray(content);
}

/** The bytes of `content`, joined when it comes in pieces. */
export function contentBytes(content: MacContent): Uint8Array<ArrayBuffer> {
  if (!isPieces(content)) return content;
  return concatBytes(...content.map((piece) => (typeof piece === 'string' ? utf8(piece) : piece)));
}

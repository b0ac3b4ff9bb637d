/** Deepest nesting the API accepts in a JSON body or decodes when reading a stored one. */
export const MAX_JSON_DEPTH = 128;

/**
 * True when the JSON text nests arrays/objects deeper than `max`. A byte scan (brackets inside strings
 * ignored), so it is O(n), allocation-free and safe on hostile input: V8 parses 100,000 levels but
 * serialising or walking them recursively overflows the stack later, far from the request.
 */
export function exceedsJsonDepth(bytes: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

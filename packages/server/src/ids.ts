import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Returns an id generator: `prefix_` + 10 chars of time + 16 chars of randomness (Crockford base32,
 * as in ULID), so ids sort by creation time and cursors can order by id alone. Within one
 * millisecond the random part is incremented rather than redrawn, keeping ids of one process
 * strictly increasing.
 */
export function createIdGenerator(
  clock: () => number = Date.now,
  random: (size: number) => Uint8Array = randomBytes,
): (prefix: string) => string {
  let lastTime = -1;
  let lastRandom: Uint8Array = new Uint8Array(10);
  return (prefix) => {
    const now = Math.max(clock(), lastTime);
    if (now === lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = now;
      lastRandom = Uint8Array.from(random(10));
    }
    return `${prefix}_${encodeTime(now)}${encodeRandom(lastRandom)}`;
  };
}

/** The millisecond time encoded in an id made by `createIdGenerator` (10 characters after the prefix). */
export function idTime(id: string): number {
  const start = id.indexOf('_') + 1;
  let time = 0;
  for (const char of id.slice(start, start + 10)) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}

/**
 * The smallest id `createIdGenerator` makes with this prefix at time `ms`: every id made at `ms` or later
 * sorts at or after it and every earlier one before it, so a time bound becomes a bound on an id index.
 */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(Math.max(0, Math.floor(ms)))}`;
}

function encodeTime(time: number): string {
  let out = '';
  let value = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 base32 chars, 5 bits at a time.
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    const value = next[i] ?? 0;
    if (value < 255) {
      next[i] = value + 1;
      return next;
    }
    next[i] = 0;
  }
  return next;
}

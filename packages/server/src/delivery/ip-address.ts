/**
 * IP address parsing and classification for the SSRF guard. Addresses are kept as bytes (4 or 16) so
 * every spelling of one address (decimal, octal, hex, short forms, IPv4-mapped IPv6, …) lands on the
 * same value before any range is checked.
 */

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

/** Why an address may not be contacted; `public` means no special-purpose range matched. */
export type IpRange =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cloud_metadata'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'ietf_protocol'
  | 'unique_local'
  | 'site_local'
  | 'teredo'
  | 'nat64_local'
  | 'discard';

/** The classification of an address; `via` names the IPv6 wrapping an embedded IPv4 was found in. */
export interface IpClass {
  range: IpRange;
  via?: 'ipv4_mapped' | 'ipv4_compatible' | '6to4' | 'nat64';
}

interface Cidr {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** A CIDR block (`10.0.0.0/8`, `fd00::/8`); a bare address is a /32 or /128. */
export type CidrBlock = Readonly<Cidr>;

/**
 * Parses an address in any spelling a URL host or a resolver may produce: IPv4 in the WHATWG/inet_aton
 * forms (`127.0.0.1`, `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, trailing dot), IPv6 with or
 * without brackets, with an embedded dotted IPv4 tail and with a zone id (`fe80::1%eth0`, zone dropped).
 * Returns null for anything that is not an address.
 */
export function parseIp(text: string): IpAddress | null {
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value.includes(':')) {
    const bytes = parseIpv6(value);
    return bytes === null ? null : { version: 6, bytes };
  }
  const bytes = parseIpv4(value);
  return bytes === null ? null : { version: 4, bytes };
}

/** Formats an address canonically (dotted quad, or RFC 5952 IPv6 without brackets). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0));
  // Longest run of zero groups (length ≥ 2) becomes `::`.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Parses `addr/prefix` (or a bare address); null when malformed. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === null) return null;
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > max) return null;
  }
  return { version: ip.version, bytes: ip.bytes, prefix };
}

/** True when `ip` lies inside `cidr` (versions must match; use `classifyIp` for embedded forms). */
export function cidrContains(cidr: CidrBlock, ip: IpAddress): boolean {
  if (cidr.version !== ip.version) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.bytes[i] ?? 0) & mask) !== ((ip.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Returns the IPv4 address an IPv6 address carries and how, when it is one of the forms that reach an
 * IPv4 host (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, 6to4 `2002:AABB:CCDD::/48`, NAT64
 * `64:ff9b::/96`); null otherwise.
 */
export function embeddedIpv4(ip: IpAddress): { ipv4: IpAddress; via: NonNullable<IpClass['via']> } | null {
  if (ip.version !== 6) return null;
  const b = ip.bytes;
  const tail = (from: number): IpAddress => ({ version: 4, bytes: b.slice(from, from + 4) });
  if (zeroes(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return { ipv4: tail(12), via: 'ipv4_mapped' };
  // ::/96 minus :: and ::1, which are IPv6's own unspecified and loopback addresses.
  if (zeroes(b, 0, 12) && !zeroes(b, 12, 15)) return { ipv4: tail(12), via: 'ipv4_compatible' };
  if (b[0] === 0x20 && b[1] === 0x02) return { ipv4: tail(2), via: '6to4' };
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeroes(b, 4, 12)) {
    return { ipv4: tail(12), via: 'nat64' };
  }
  return null;
}

/**
 * Classifies an address by the special-purpose registries (RFC 6890 and successors). IPv6 forms that
 * carry an IPv4 address are classified by that IPv4 address, so `::ffff:127.0.0.1` is loopback.
 * IPv6 outside global unicast (2000::/3) is never public.
 */
export function classifyIp(ip: IpAddress): IpClass {
  if (ip.version === 4) return { range: classifyIpv4(ip) };
  const embedded = embeddedIpv4(ip);
  if (embedded !== null) {
    const inner = classifyIpv4(embedded.ipv4);
    // 0.0.0.0/8 inside 6to4 or NAT64 is not "this host", but it is still nothing to talk to.
    return { range: inner, via: embedded.via };
  }
  for (const [cidr, range] of IPV6_RANGES) if (cidrContains(cidr, ip)) return { range };
  if (!cidrContains(GLOBAL_UNICAST, ip)) return { range: 'reserved' };
  return { range: 'public' };
}

function classifyIpv4(ip: IpAddress): IpRange {
  for (const [cidr, range] of IPV4_RANGES) if (cidrContains(cidr, ip)) return range;
  return 'public';
}

function zeroes(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

function table(entries: [string, IpRange][]): [CidrBlock, IpRange][] {
  return entries.map(([text, range]) => {
    const cidr = parseCidr(text);
    if (cidr === null) throw new TypeError(`bad built-in CIDR ${text}`);
    return [cidr, range];
  });
}

// Order matters: the first match names the range, so specific blocks come before the ones holding them.
const IPV4_RANGES = table([
  ['169.254.169.254/32', 'cloud_metadata'],
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'ietf_protocol'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_RANGES = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud_metadata'],
  ['64:ff9b:1::/48', 'nat64_local'],
  ['100::/64', 'discard'],
  ['2001::/32', 'teredo'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001:2::/48', 'benchmarking'],
  ['2001::/23', 'ietf_protocol'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'site_local'],
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST = parseCidr('2000::/3') as CidrBlock;

/** WHATWG URL IPv4 parsing: 1–4 parts, each decimal, octal (leading 0) or hex (0x). */
function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop() as number;
  for (const n of numbers) if (n > 255) return null;
  if (last >= 256 ** (4 - numbers.length)) return null;
  let value = last;
  numbers.forEach((n, i) => {
    value += n * 256 ** (3 - i);
  });
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

function parseIpv4Number(part: string): number | null {
  if (part === '') return null;
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(digits)) {
    digits = digits.slice(2);
    radix = 16;
    if (digits === '') return 0;
  } else if (digits.length > 1 && digits.startsWith('0')) {
    digits = digits.slice(1);
    radix = 8;
  }
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return null;
  const n = Number.parseInt(digits, radix);
  return Number.isSafeInteger(n) && n <= 0xffffffff ? n : null;
}

function parseIpv6(input: string): Uint8Array | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (text.length === 0 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], isLastHalf: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (isLastHalf && i === parts.length - 1 && part.includes('.')) {
        // A dotted IPv4 tail must be a strict dotted quad, not the legacy spellings.
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(part)) return false;
        const v4 = part.split('.').map(Number);
        if (v4.some((n) => n > 255)) return false;
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!/^[0-9a-f]{1,4}$/i.test(part)) return false;
      groups.push(Number.parseInt(part, 16));
    }
    return true;
  };
  if (!pushGroups(head, halves.length === 1)) return null;
  const headCount = groups.length;
  if (!pushGroups(tail, true)) return null;
  const tailGroups = groups.splice(headCount);
  if (halves.length === 1) {
    if (groups.length !== 8) return null;
  } else {
    const missing = 8 - groups.length - tailGroups.length;
    if (missing < 1) return null;
    for (let i = 0; i < missing; i++) groups.push(0);
  }
  groups.push(...tailGroups);
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

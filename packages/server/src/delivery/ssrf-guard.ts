import {
  type CidrBlock,
  cidrContains,
  classifyIp,
  embeddedIpv4,
  formatIp,
  type IpRange,
  parseCidr,
  parseIp,
} from './ip-address.ts';

/**
 * What outbound calls may reach. Build it once with `createSsrfPolicy`; by default only public
 * addresses are allowed.
 */
export interface SsrfPolicy {
  /** Addresses inside these blocks are allowed whatever their range (self-hosted internal services). */
  readonly allowCidrs: readonly CidrBlock[];
  /**
   * Host names (lower case, no trailing dot) whose every resolved address is allowed; `*.corp.example`
   * allows every name below `corp.example`.
   */
  readonly allowHostnames: readonly string[];
  /** Local development (`hookline serve --dev`): loopback addresses and `localhost` names are allowed. */
  readonly allowLoopback: boolean;
}

export interface SsrfPolicyOptions {
  allowCidrs?: string[];
  allowHostnames?: string[];
  allowLoopback?: boolean;
}

/** Thrown only for a malformed operator configuration, at startup. */
export class SsrfConfigError extends Error {
  readonly code = 'invalid_ssrf_policy';
  constructor(message: string) {
    super(message);
    this.name = 'SsrfConfigError';
  }
}

/** Compiles the operator's allow-list; throws `SsrfConfigError` naming the bad entry. */
export function createSsrfPolicy(options: SsrfPolicyOptions = {}): SsrfPolicy {
  const allowCidrs = (options.allowCidrs ?? []).map((text) => {
    const cidr = parseCidr(text.trim());
    if (cidr === null)
      throw new SsrfConfigError(`allow-list entry "${text}" is not an IP address or CIDR block`);
    return cidr;
  });
  const allowHostnames = (options.allowHostnames ?? []).map((text) => {
    const name = normaliseHostname(text);
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) {
      throw new SsrfConfigError(`allow-list entry "${text}" is not a host name`);
    }
    return name;
  });
  return { allowCidrs, allowHostnames, allowLoopback: options.allowLoopback === true };
}

/** The verdict on one address or name. */
export type AddressCheck =
  | { allowed: true }
  | {
      allowed: false;
      code: 'ssrf_blocked';
      range: IpRange | 'localhost_name' | 'invalid_address';
      message: string;
    };

/**
 * Connect-time check of one resolved address. Every address a name resolves to must pass before any
 * connection is made, so a name resolving to one public and one private address is refused.
 */
export function checkAddress(address: string, policy: SsrfPolicy): AddressCheck {
  const ip = parseIp(address);
  if (ip === null) {
    return {
      allowed: false,
      code: 'ssrf_blocked',
      range: 'invalid_address',
      message: `"${address}" is not an IP address`,
    };
  }
  if (policy.allowCidrs.some((cidr) => cidrContains(cidr, ip))) return { allowed: true };
  const cls = classifyIp(ip);
  if (cls.range === 'public') return { allowed: true };
  if (cls.range === 'loopback' && policy.allowLoopback) return { allowed: true };
  const embedded = embeddedIpv4(ip);
  const via = embedded === null ? '' : ` (${formatIp(embedded.ipv4)}, ${VIA_LABELS[embedded.via]})`;
  return {
    allowed: false,
    code: 'ssrf_blocked',
    range: cls.range,
    message: `destination address ${formatIp(ip)}${via} is ${RANGE_LABELS[cls.range]} and may not be contacted`,
  };
}

/** How a host name is treated before resolution. */
export type HostnameCheck =
  | { kind: 'ip'; address: string }
  | { kind: 'allowed_name' }
  | { kind: 'resolve' }
  | { kind: 'blocked'; check: Extract<AddressCheck, { allowed: false }> };

/**
 * Pre-resolution check of a URL host: IP literals (any spelling) are checked directly, `localhost` and
 * `*.localhost` are refused outright (resolvers answer them locally) unless loopback is allowed,
 * allow-listed names skip address checks, and every other name must have its addresses checked.
 */
export function checkHostname(host: string, policy: SsrfPolicy): HostnameCheck {
  const name = normaliseHostname(host);
  const ip = parseIp(name);
  if (ip !== null) {
    const address = formatIp(ip);
    const check = checkAddress(address, policy);
    return check.allowed ? { kind: 'ip', address } : { kind: 'blocked', check };
  }
  if (isAllowListedName(name, policy)) return { kind: 'allowed_name' };
  if ((name === 'localhost' || name.endsWith('.localhost')) && !policy.allowLoopback) {
    return {
      kind: 'blocked',
      check: {
        allowed: false,
        code: 'ssrf_blocked',
        range: 'localhost_name',
        message: `host "${name}" names this machine and may not be contacted`,
      },
    };
  }
  return { kind: 'resolve' };
}

/** Save-time verdict on a destination URL. */
export type UrlValidation =
  | { ok: true; url: URL }
  | {
      ok: false;
      code: 'invalid_url' | 'unsupported_scheme' | 'credentials_in_url' | 'ssrf_blocked';
      message: string;
    };

/**
 * Validates an endpoint URL when it is saved: parseable, http or https, no user:password, and when the
 * host is an IP literal (in any spelling the URL parser accepts) or `localhost`, an allowed address.
 * Names are resolved only at connect time, where every address is checked again.
 *
 * @example
 * validateDestinationUrl('http://0x7f.1/hook', policy)
 * // { ok: false, code: 'ssrf_blocked', message: 'destination address 127.0.0.1 is a loopback address …' }
 */
export function validateDestinationUrl(input: string, policy: SsrfPolicy): UrlValidation {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, code: 'invalid_url', message: `"${truncate(input)}" is not a valid absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      code: 'unsupported_scheme',
      message: `scheme "${url.protocol.slice(0, -1)}" is not allowed, use http or https`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      code: 'credentials_in_url',
      message: 'credentials in the URL are not allowed, use endpoint headers',
    };
  }
  if (url.hostname === '') return { ok: false, code: 'invalid_url', message: 'the URL has no host' };
  const host = checkHostname(url.hostname, policy);
  if (host.kind === 'blocked') return { ok: false, code: 'ssrf_blocked', message: host.check.message };
  return { ok: true, url };
}

/** Lower case, brackets and one trailing dot removed: `Example.COM.` and `example.com` are one host. */
export function normaliseHostname(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}

function isAllowListedName(name: string, policy: SsrfPolicy): boolean {
  return policy.allowHostnames.some((entry) =>
    entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry,
  );
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const VIA_LABELS = {
  ipv4_mapped: 'IPv4-mapped',
  ipv4_compatible: 'IPv4-compatible',
  '6to4': '6to4',
  nat64: 'NAT64',
} as const;

const RANGE_LABELS: Record<IpRange, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  cloud_metadata: 'a cloud metadata service address',
  cgnat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  documentation: 'a documentation address',
  benchmarking: 'a benchmarking address',
  reserved: 'a reserved address',
  ietf_protocol: 'an IETF protocol assignment address',
  unique_local: 'a unique local address',
  site_local: 'a site-local address',
  teredo: 'a Teredo address',
  nat64_local: 'a local-use NAT64 address',
  discard: 'a discard-only address',
};

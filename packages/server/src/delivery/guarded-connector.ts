import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { type AddressCheck, checkAddress, checkHostname, type SsrfPolicy } from './ssrf-guard.ts';

/** One resolved address, as `dns.lookup(name, { all: true })` returns them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests control what a name resolves to. */
export type LookupFunction = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address, in resolver order. */
export const systemLookup: LookupFunction = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Raised by the connector when the destination is refused; the HTTP client maps it to `ssrf_blocked`. */
export class SsrfBlockedError extends Error {
  readonly code = 'HOOKLINE_SSRF_BLOCKED';
  constructor(message: string) {
    super(message);
    this.name = 'SsrfBlockedError';
  }
}

/** Raised when a name does not resolve; mapped to `dns`. */
export class DnsLookupError extends Error {
  readonly code = 'HOOKLINE_DNS';
  override readonly cause: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'DnsLookupError';
    this.cause = cause;
  }
}

export interface GuardedConnectorOptions {
  policy: SsrfPolicy;
  lookup: LookupFunction;
  /** Budget of the name lookup, and of the TCP + TLS handshake per address. */
  connectTimeoutMs: number;
  /** Extra TLS options (a test CA); never used to weaken verification in production. */
  tls?: { ca?: string | Buffer };
}

/**
 * An undici connector that resolves the host itself, checks every resolved address against the SSRF
 * policy and only then connects, to one of those checked addresses. Connecting to the checked IP (not
 * the name) closes the window where a second resolution could return another address (DNS rebinding);
 * TLS still uses the name for SNI and certificate verification, and undici keeps it in `Host`.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const base = buildConnector({ timeout: options.connectTimeoutMs, ...(options.tls ?? {}) });
  return (connectOptions, callback) => {
    resolveChecked(connectOptions.hostname, options).then(
      ({ addresses, servername }) => {
        connectInOrder(base, connectOptions, addresses, servername, callback);
      },
      (error: unknown) => callback(asError(error), null),
    );
  };
}

async function resolveChecked(
  host: string,
  options: GuardedConnectorOptions,
): Promise<{ addresses: string[]; servername: string | undefined }> {
  const hostCheck = checkHostname(host, options.policy);
  if (hostCheck.kind === 'blocked') throw new SsrfBlockedError(hostCheck.check.message);
  if (hostCheck.kind === 'ip') return { addresses: [hostCheck.address], servername: undefined };
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  let resolved: ResolvedAddress[];
  let timer: NodeJS.Timeout | undefined;
  // A resolver that never answers would hold the pool's connect slot (and close()) forever.
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
  });
  try {
    resolved = await Promise.race([options.lookup(name), timeout]);
  } catch (error) {
    throw new DnsLookupError(`could not resolve ${name}: ${errorCode(error)}`, error);
  } finally {
    clearTimeout(timer);
  }
  if (resolved.length === 0) throw new DnsLookupError(`could not resolve ${name}: no addresses`);
  const addresses = resolved.map((entry) => entry.address);
  if (hostCheck.kind === 'resolve') {
    // All or nothing: one bad address among good ones means the name is not safe to use.
    for (const address of addresses) {
      const verdict: AddressCheck = checkAddress(address, options.policy);
      if (!verdict.allowed)
        throw new SsrfBlockedError(`${name} resolves to a refused address: ${verdict.message}`);
    }
  }
  for (const address of addresses) {
    if (isIP(address) === 0)
      throw new DnsLookupError(`resolver returned "${address}" for ${name}, not an IP`);
  }
  return { addresses, servername: name };
}

function connectInOrder(
  base: buildConnector.connector,
  connectOptions: buildConnector.Options,
  addresses: string[],
  servername: string | undefined,
  callback: buildConnector.Callback,
): void {
  const [address, ...rest] = addresses;
  if (address === undefined) return;
  const attempt: buildConnector.Options = { ...connectOptions, hostname: address };
  if (servername !== undefined) attempt.servername = servername;
  base(attempt, (...args) => {
    const [error] = args;
    // Fall through to the next checked address only on errors that say this address is unreachable.
    if (error !== null && rest.length > 0 && RETRYABLE_CONNECT.has(errorCode(error))) {
      connectInOrder(base, connectOptions, rest, servername, callback);
      return;
    }
    callback(...args);
  });
}

const RETRYABLE_CONNECT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new DnsLookupError(String(error));
}

import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** The PEM pair Fastify's `https` option takes. */
export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
}

export type TlsLoadResult = { ok: true; tls: TlsOptions | null } | { ok: false; error: string };

/**
 * Reads `tlsCert`/`tlsKey` once at start and checks they form a usable pair, so a wrong path or a key
 * that does not match its certificate is a clear startup error instead of a failed first handshake.
 * Both unset: plain HTTP (`tls: null`). The error text names the option, never the key's content.
 */
export function loadTlsOptions(
  config: { tlsCert: string | null; tlsKey: string | null },
  readFile: (path: string) => Buffer = readFileSync,
): TlsLoadResult {
  if (config.tlsCert === null && config.tlsKey === null) return { ok: true, tls: null };
  if (config.tlsCert === null || config.tlsKey === null) {
    return { ok: false, error: 'tlsCert and tlsKey must be given together' };
  }
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFile(config.tlsCert);
  } catch (error) {
    return {
      ok: false,
      error: `tlsCert: cannot read ${config.tlsCert} (${(error as NodeJS.ErrnoException).code})`,
    };
  }
  try {
    key = readFile(config.tlsKey);
  } catch (error) {
    return {
      ok: false,
      error: `tlsKey: cannot read ${config.tlsKey} (${(error as NodeJS.ErrnoException).code})`,
    };
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = (error as { code?: string }).code ?? 'invalid PEM';
    return { ok: false, error: `tlsCert/tlsKey: not a usable certificate and key pair (${reason})` };
  }
  return { ok: true, tls: { cert, key } };
}

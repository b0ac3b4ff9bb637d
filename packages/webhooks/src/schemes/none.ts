import { rawBytes } from '../raw-body.ts';
import type { Scheme } from '../scheme.ts';
import { isFailure } from '../scheme-support.ts';
import { describeGeneric } from './generic.ts';

/**
 * No verification: every request with a raw body is accepted. For senders that cannot sign, behind
 * another control (a secret URL, an allow-listed network). Signs nothing.
 */
export const noneScheme: Scheme = {
  name: 'none',
  verify: async (request) => {
    const body = rawBytes(request.body);
    return isFailure(body) ? body : { ok: true };
  },
  sign: async () => ({}),
  describe: describeGeneric,
};

import { isSchemeName, type SchemeConfig, type SchemeName, schemes } from '@hookline/webhooks';
import { type ParsedArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';

/** Flags shared by `send` and `verify` to pick a scheme and configure it. */
export const SCHEME_FLAGS = {
  scheme: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'signature-header': { type: 'string' },
  tolerance: { type: 'string' },
} as const;

/** The scheme name from `--scheme` (checked), or the fallback. */
export function schemeFrom(args: ParsedArgs, fallback: SchemeName): SchemeName {
  const name = stringFlag(args, 'scheme') ?? fallback;
  if (!isSchemeName(name)) {
    throw new UsageError(`unknown scheme "${name}": use one of ${Object.keys(schemes).join(', ')}`);
  }
  return name;
}

/** The SchemeConfig from `--secret` (repeatable), `--signature-header` and `--tolerance`. */
export function schemeConfigFrom(args: ParsedArgs, now: () => number): SchemeConfig {
  const secrets = (args.flags.secret as string[] | undefined) ?? [];
  const header = stringFlag(args, 'signature-header');
  const tolerance = stringFlag(args, 'tolerance');
  const toleranceSeconds = tolerance === undefined ? undefined : Number(tolerance);
  if (toleranceSeconds !== undefined && !(Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    throw new UsageError(`--tolerance must be a number of seconds, got "${tolerance}"`);
  }
  return {
    secrets,
    now,
    ...(header ? { header } : {}),
    ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}),
  };
}

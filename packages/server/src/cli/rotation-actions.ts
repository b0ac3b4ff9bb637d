import { GRACE_EXAMPLES, parseGraceSeconds } from '../secrets/secret-rotation-rules.ts';
import { type ParsedArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';
import type { ItemAction } from './resource-command.ts';
import { renderFields } from './table.ts';

/** `hookline sources rotate-token ID`: POST /v1/sources/{id}/token/rotate. */
export const sourceRotateTokenAction: ItemAction = {
  name: 'rotate-token',
  help: 'new ingest URL (token); the old URL stops answering at once, an alias keeps answering',
  async run({ client, itemPath, args, io }) {
    const { body } = await client.request('POST', `${itemPath}/token/rotate`);
    const source = body as { id: string; name: string; ingestPath: string; alias: string | null };
    const ingestUrl = `${client.server}${source.ingestPath}`;
    if (args.flags.json) {
      io.out(`${JSON.stringify({ ...source, ingestUrl }, null, 2)}\n`);
      return 0;
    }
    io.out(
      renderFields({
        id: source.id,
        name: source.name,
        ingestUrl,
        ...(source.alias === null ? {} : { alias: `${client.server}${source.alias}` }),
      }),
    );
    io.err('The previous ingest URL no longer answers: give the sender the new one.\n');
    return 0;
  },
};

const GRACE = '0, 90s, 30m, 24h, 7d';

/** `hookline sources rotate-secret ID`: POST /v1/sources/{id}/secrets/rotate `{secret?, graceSeconds?}`. */
export const sourceRotateSecretAction: ItemAction = {
  name: 'rotate-secret',
  help: 'new current verification secret; the previous ones keep verifying for the grace period',
  flags: {
    secret: { help: 'the new secret (default: generated, unless the provider issues it: stripe, …)' },
    grace: { help: `how long the previous secrets keep verifying: ${GRACE}; default 24h` },
  },
  async run({ client, itemPath, args, io }) {
    const grace = graceSeconds(args);
    const secret = stringFlag(args, 'secret');
    const { body } = await client.request('POST', `${itemPath}/secrets/rotate`, {
      ...(secret === undefined ? {} : { secret }),
      ...(grace === undefined ? {} : { graceSeconds: grace }),
    });
    if (args.flags.json) {
      io.out(`${JSON.stringify(body, null, 2)}\n`);
      return 0;
    }
    const source = body as { id: string; name: string; secret: string; secretCount: number };
    io.out(
      renderFields({
        id: source.id,
        name: source.name,
        secret: source.secret,
        secretCount: String(source.secretCount),
        previousSecretsVerifyFor: stringFlag(args, 'grace') ?? '24h',
      }),
    );
    return 0;
  },
};

/** `hookline endpoints rotate-secret ID`: POST /v1/endpoints/{id}/secret/rotate `{secret?, graceMs?}`. */
export const endpointRotateSecretAction: ItemAction = {
  name: 'rotate-secret',
  help: 'new signing secret (shown once); the previous one keeps signing for the grace period',
  flags: {
    secret: { help: 'the new signing secret, fitting the signing scheme (default: generated)' },
    grace: { help: `how long the previous secret keeps signing: ${GRACE}; default 24h` },
  },
  async run({ client, id, itemPath, args, io }) {
    const grace = graceSeconds(args);
    const secret = stringFlag(args, 'secret');
    const { body } = await client.request('POST', `${itemPath}/secret/rotate`, {
      ...(secret === undefined ? {} : { secret }),
      ...(grace === undefined ? {} : { graceMs: grace * 1000 }),
    });
    if (args.flags.json) {
      io.out(`${JSON.stringify(body, null, 2)}\n`);
      return 0;
    }
    const rotated = body as { secret: string; publicKey?: string; previousSecretExpiresAt: string };
    io.out(
      renderFields({
        id,
        secret: rotated.secret,
        ...(rotated.publicKey === undefined ? {} : { publicKey: rotated.publicKey }),
        previousSecretExpiresAt: rotated.previousSecretExpiresAt,
      }),
    );
    return 0;
  },
};

/**
 * `--grace` in whole seconds: `0`, a bare number of seconds, or a number with s, m, h or d. The two
 * APIs take different units (sources `graceSeconds`, endpoints `graceMs`); the flag reads the same.
 */
export function graceSeconds(args: ParsedArgs): number | undefined {
  const value = stringFlag(args, 'grace');
  if (value === undefined) return undefined;
  const seconds = parseGraceSeconds(value);
  if (seconds === null) throw new UsageError(`--grace must be like ${GRACE_EXAMPLES}; got "${value}"`);
  return seconds;
}

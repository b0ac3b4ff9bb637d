import { API_FLAGS, type ApiClient, clientFromFlags, listAll } from './api-client.ts';
import { type ParsedArgs, parseCommandArgs, stringFlag } from './args.ts';
import { CliFailure, UsageError } from './cli-errors.ts';
import { type CliIo, paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { windowFlags } from './instant-flag.ts';

/** `hookline replay`: resend messages by id, or recover an endpoint's failed deliveries in a window. */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'Resend messages by id, or recover an endpoint’s failed deliveries in a time window',
  help: `Usage: hookline replay <msg_id…> [--endpoint ep_id] [--dry-run]
       hookline replay --endpoint ep_id --since TIME [--until TIME] [--dry-run]

With message ids: sends each message again now, as a manual attempt (the retry schedule is not disturbed),
to --endpoint or to every endpoint it has a delivery for, with progress and a summary.
With --since: puts the endpoint's failed and exhausted deliveries created in [since, until) back in the
queue (POST /v1/endpoints/{id}/recover). TIME is an RFC 3339 time (2026-11-20T00:00:00Z) or a duration
ago: 30m, 6h, 2d; --until must be after --since.
--dry-run lists what would be sent and sends nothing. Exit 1 when any resend failed.

Examples:
  hookline replay msg_01J9Z3Q4T0M7V8X2K5N6P1R3S4
  hookline replay msg_01J9Z3… msg_01J9Z4… --endpoint ep_01J9Z2…
  hookline replay --endpoint ep_01J9Z2… --since 6h --dry-run
  hookline replay --endpoint ep_01J9Z2… --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...API_FLAGS,
      endpoint: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    const client = clientFromFlags(args.flags, io.env);
    if (args.positionals.length > 0) {
      if (stringFlag(args, 'since')) throw new UsageError('give message ids or --since, not both');
      return resendMessages(client, io, args, args.positionals);
    }
    if (!stringFlag(args, 'since')) {
      throw new UsageError('give message ids, or --endpoint with --since to recover a window');
    }
    return recoverWindow(client, io, args);
  },
};

async function resendMessages(
  client: ApiClient,
  io: CliIo,
  args: ParsedArgs,
  ids: string[],
): Promise<number> {
  const only = stringFlag(args, 'endpoint');
  const plan: { messageId: string; endpointId: string }[] = [];
  for (const messageId of ids) {
    if (only) {
      plan.push({ messageId, endpointId: only });
      continue;
    }
    const deliveries = (await listAll(
      client,
      `/v1/messages/${encodeURIComponent(messageId)}/deliveries`,
    )) as {
      endpointId: string;
    }[];
    if (deliveries.length === 0)
      io.err(`${messageId}: no endpoint received it; pass --endpoint to choose one\n`);
    for (const delivery of deliveries) plan.push({ messageId, endpointId: delivery.endpointId });
  }
  if (args.flags['dry-run']) {
    for (const item of plan) io.out(`would resend ${item.messageId} → ${item.endpointId}\n`);
    io.out(`dry run: ${plan.length} resend(s), nothing sent\n`);
    return 0;
  }
  let ok = 0;
  let failed = 0;
  for (const [index, item] of plan.entries()) {
    let outcome: string;
    try {
      const { body } = await client.request(
        'POST',
        `/v1/messages/${encodeURIComponent(item.messageId)}/resend`,
        {
          endpointId: item.endpointId,
        },
      );
      const attempt = body as { responseStatus?: number | null; errorKind?: string | null };
      const status = attempt.responseStatus;
      const success = typeof status === 'number' && status >= 200 && status < 300;
      if (success) ok++;
      else failed++;
      outcome = success
        ? paint(io, 'green', String(status))
        : paint(io, 'red', String(status ?? attempt.errorKind ?? 'failed'));
    } catch (error) {
      if (!(error instanceof CliFailure)) throw error;
      failed++;
      outcome = paint(io, 'red', error.message);
    }
    io.out(`${progress(index + 1, plan.length)} ${item.messageId} → ${item.endpointId}: ${outcome}\n`);
  }
  const summary = `${ok} succeeded, ${failed} failed of ${plan.length}`;
  io.out(`${failed === 0 ? paint(io, 'green', 'done') : paint(io, 'red', 'done')}: ${summary}\n`);
  return failed === 0 ? 0 : 1;
}

async function recoverWindow(client: ApiClient, io: CliIo, args: ParsedArgs): Promise<number> {
  const endpointId = stringFlag(args, 'endpoint');
  if (!endpointId) throw new UsageError('--since needs --endpoint ep_…');
  const { since, until } = windowFlags(args, Date.now(), 'hookline replay --endpoint');
  if (args.flags['dry-run']) {
    const query = new URLSearchParams({ endpointId, status: 'failed,exhausted', since, limit: '1000' });
    if (until) query.set('until', until);
    const deliveries = (await listAll(client, `/v1/deliveries?${query}`)) as {
      id: string;
      messageId: string;
      status: string;
    }[];
    for (const delivery of deliveries)
      io.out(`would recover ${delivery.id} (${delivery.messageId}, ${delivery.status})\n`);
    io.out(`dry run: ${deliveries.length} deliveries of ${endpointId} since ${since} would be recovered\n`);
    return 0;
  }
  const { body } = await client.request('POST', `/v1/endpoints/${encodeURIComponent(endpointId)}/recover`, {
    since,
    ...(until ? { until } : {}),
  });
  const recovered = (body as { recovered: number }).recovered;
  io.out(`${paint(io, 'green', 'done')}: ${recovered} deliveries of ${endpointId} put back in the queue\n`);
  return 0;
}

function progress(done: number, total: number): string {
  const width = 20;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

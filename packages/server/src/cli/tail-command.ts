import { API_FLAGS, DEFAULT_SERVER } from './api-client.ts';
import { parseCommandArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';
import { paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { abortOnSignals, followStream } from './stream-client.ts';

/** `hookline tail`: print new messages as they arrive. */
export const tailCommand: Command = {
  name: 'tail',
  summary: 'Print new messages live (filterable, --json for scripts)',
  help: `Usage: hookline tail [--source NAME] [--events PATTERNS] [--since-id msg_…] [--json]

Prints each new message as it arrives on the server (GET /v1/stream): time, event type, id, source and
size; --json prints the whole message (headers and base64 body) as one JSON object per line. Reconnects by
itself after a disconnect, without gaps. Ctrl-C stops it.

Flags:
  --source NAME         only messages of this source (name or id)
  --events PATTERNS     comma-separated event types, * wildcards
  --since-id ID         start after this message id instead of now
  --server, --api-key   the Hookline server (default ${DEFAULT_SERVER}, HOOKLINE_API_KEY)
  --json                one JSON object per line

Examples:
  hookline tail
  hookline tail --events 'invoice.*' --json | jq .eventType
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...API_FLAGS,
      source: { type: 'string' },
      events: { type: 'string' },
      'since-id': { type: 'string' },
    });
    const server = stringFlag(args, 'server') ?? io.env.HOOKLINE_SERVER ?? DEFAULT_SERVER;
    const apiKey = stringFlag(args, 'api-key') ?? io.env.HOOKLINE_API_KEY;
    if (!apiKey) throw new UsageError('no API key: pass --api-key hk_… or set HOOKLINE_API_KEY');
    const json = args.flags.json === true;
    await followStream({
      server,
      apiKey,
      source: stringFlag(args, 'source'),
      events: stringFlag(args, 'events'),
      lastEventId: stringFlag(args, 'since-id') ?? null,
      signal: abortOnSignals(),
      onStatus: (status) =>
        io.err(
          `${status.kind === 'connected' ? 'Tailing' : paint(io, 'yellow', 'disconnected')}: ${status.detail}\n`,
        ),
      onMessage: async (message) => {
        if (json) {
          io.out(`${JSON.stringify(message)}\n`);
          return;
        }
        const size =
          message.bodyBase64 === null ? 'expired' : `${Buffer.from(message.bodyBase64, 'base64').length} B`;
        io.out(
          `${message.createdAt}  ${paint(io, 'bold', message.eventType)}  ${message.id}  ${message.sourceId ?? 'api'}  ${size}\n`,
        );
      },
    });
    return 0;
  },
};

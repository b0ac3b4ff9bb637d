import { STATUS_CODES } from 'node:http';
import { API_FLAGS, DEFAULT_SERVER } from './api-client.ts';
import { parseCommandArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';
import { type CliIo, paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { abortOnSignals, followStream, type StreamedAttempt } from './stream-client.ts';

/** `hookline tail`: print new messages and their delivery attempts as they happen. */
export const tailCommand: Command = {
  name: 'tail',
  summary: 'Print new messages and attempts live (filterable, --json for scripts)',
  help: `Usage: hookline tail [--source NAME] [--events PATTERNS] [--since-id msg_…] [--no-attempts] [--json]

Prints each new message as it arrives on the server (GET /v1/stream): time, event type, id, source and
size; then each delivery attempt of those messages as it happens, indented: time, "→", status (or error
kind), duration, attempt number, trigger (scheduled, manual, or cli for a hookline listen forward),
endpoint or listener id. --json prints one object per line with "kind": "message" (the whole message,
headers and base64 body) or "kind": "attempt". Reconnects by itself after a disconnect: messages resume
without gaps, attempts are live only (those made while disconnected are not shown; see the API).
Ctrl-C stops it.

Flags:
  --source NAME         only messages of this source (name or id)
  --events PATTERNS     comma-separated event types, * wildcards
  --since-id ID         start after this message id instead of now
  --no-attempts         messages only
  --server, --api-key   the Hookline server (default ${DEFAULT_SERVER}, HOOKLINE_API_KEY)
  --json                one JSON object per line

Examples:
  hookline tail
  hookline tail --events 'invoice.*' --json | jq .eventType
  hookline tail --json | jq 'select(.kind == "attempt" and .responseStatus >= 500)'
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...API_FLAGS,
      source: { type: 'string' },
      events: { type: 'string' },
      'since-id': { type: 'string' },
      'no-attempts': { type: 'boolean' },
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
      ...(args.flags['no-attempts'] === true
        ? {}
        : {
            attempts: {
              onAttempt: (attempt: StreamedAttempt) => printAttempt(io, json, attempt),
              onGap: () =>
                io.err(`${paint(io, 'yellow', 'warning')}: too many attempts at once; some were skipped\n`),
            },
          }),
      onMessage: async (message) => {
        if (json) {
          io.out(`${JSON.stringify({ kind: 'message', ...message })}\n`);
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

/** One attempt line, under its message: `  <time>  → 200 OK  12 ms  #1 scheduled  ep_…`. */
function printAttempt(io: CliIo, json: boolean, attempt: StreamedAttempt): void {
  if (json) {
    io.out(`${JSON.stringify({ kind: 'attempt', ...attempt })}\n`);
    return;
  }
  const ok = attempt.errorKind === 'none';
  const result =
    attempt.responseStatus === null
      ? attempt.errorKind
      : `${attempt.responseStatus} ${STATUS_CODES[attempt.responseStatus] ?? ''}`.trim();
  io.out(
    `  ${attempt.createdAt}  → ${paint(io, ok ? 'green' : 'red', result)}  ${attempt.durationMs} ms  #${attempt.attemptNumber} ${attempt.trigger}  ${attempt.endpointId}  ${attempt.messageId}\n`,
  );
}

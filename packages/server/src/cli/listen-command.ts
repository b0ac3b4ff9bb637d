import { STATUS_CODES } from 'node:http';
import { API_FLAGS, createApiClient, DEFAULT_SERVER } from './api-client.ts';
import { listFlag, parseCommandArgs, requireFlag, stringFlag } from './args.ts';
import { createAttemptRecorder, defaultListenerName } from './attempt-recorder.ts';
import { UsageError } from './cli-errors.ts';
import { type CliIo, paint } from './cli-io.ts';
import type { Command } from './command.ts';
import { cursorFilePath, readCursor, writeCursor } from './cursor-file.ts';
import { type ForwardOutcome, forwardEvent } from './forward-event.ts';
import { abortOnSignals, followStream, type StreamedMessage } from './stream-client.ts';

/** `hookline listen`: forward the live stream to a local URL, resuming from a saved cursor. */
export const listenCommand: Command = {
  name: 'listen',
  summary: 'Forward events from a Hookline server to a local URL, resuming after disconnects',
  help: `Usage: hookline listen --forward-to URL [--source NAME] [--events 'invoice.*'] [--path-map type=/path]

Connects to a Hookline server (--server, --api-key) over Server-Sent Events and POSTs each matching event
to --forward-to with its original body and headers (plus x-hookline-message-id), printing one line per
event: time, type, message id, local status, duration. The last event handled is saved (--state FILE, else
a file under ~/.hookline named after the server and filters), so after a disconnect, a server restart or a
laptop sleep the events that arrived meanwhile are forwarded on reconnect, none twice. A first run starts
from now. Ctrl-C stops it (exit 0).

Each forward is also reported to the server (POST /v1/messages/{id}/attempts) as an attempt with trigger
"cli" on the message's delivery to this listener (--name), so the local app's answers show up with the
message's deliveries and attempts and in the dashboard. Reporting never delays the next forward; a failed
report prints a warning and listening goes on. It needs a key with the publish scope; --no-record skips it.

Flags:
  --forward-to URL      local URL to POST events to (required)
  --source NAME         only events of this source (name or id)
  --events PATTERNS     comma-separated event types, * wildcards
  --path-map TYPE=PATH  forward this event type to PATH on the --forward-to origin (repeatable)
  --state FILE          where the cursor is kept
  --name NAME           listener name the attempts are recorded under (default: this host's name)
  --no-record           do not report forwards to the server
  --server, --api-key   the Hookline server (default ${DEFAULT_SERVER}, HOOKLINE_API_KEY)
  --json                one JSON object per event instead of a line

Examples:
  hookline listen --forward-to http://localhost:3000/webhooks
  hookline listen --forward-to http://localhost:3000/webhooks --source stripe --events 'invoice.*'
  hookline listen --forward-to http://localhost:3000 --path-map invoice.paid=/billing/paid --state ./.listen.json
`,
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      ...API_FLAGS,
      'forward-to': { type: 'string' },
      source: { type: 'string' },
      events: { type: 'string' },
      'path-map': { type: 'string', multiple: true },
      state: { type: 'string' },
      name: { type: 'string' },
      'no-record': { type: 'boolean' },
    });
    const forwardTo = requireFlag(args, 'forward-to');
    if (!URL.canParse(forwardTo) || !['http:', 'https:'].includes(new URL(forwardTo).protocol)) {
      throw new UsageError(`--forward-to "${forwardTo}" is not an http(s) URL`);
    }
    const pathMap = new Map<string, string>();
    for (const entry of listFlag(args, 'path-map')) {
      const [type, path] = entry.split('=', 2);
      if (!type || !path?.startsWith('/'))
        throw new UsageError(`--path-map must look like type=/path, got "${entry}"`);
      pathMap.set(type, path);
    }
    const server = stringFlag(args, 'server') ?? io.env.HOOKLINE_SERVER ?? DEFAULT_SERVER;
    const apiKey = stringFlag(args, 'api-key') ?? io.env.HOOKLINE_API_KEY;
    if (!apiKey) throw new UsageError('no API key: pass --api-key hk_… or set HOOKLINE_API_KEY');
    const source = stringFlag(args, 'source');
    const events = stringFlag(args, 'events');
    const statePath = cursorFilePath(stringFlag(args, 'state'), [server, source, events, forwardTo]);
    const json = args.flags.json === true;
    const listener = stringFlag(args, 'name') ?? defaultListenerName();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(listener)) {
      throw new UsageError(`--name "${listener}" may hold only letters, digits and _ . - (at most 64)`);
    }
    const recorder =
      args.flags['no-record'] === true
        ? null
        : createAttemptRecorder({
            // A report that hangs must not hold the queue behind it for long.
            client: createApiClient({
              server,
              apiKey,
              fetch: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }),
            }),
            listener,
            warn: (text) => io.err(`${paint(io, 'yellow', 'warning')}: ${text}\n`),
          });
    await followStream({
      server,
      apiKey,
      source,
      events,
      lastEventId: readCursor(statePath),
      signal: abortOnSignals(),
      onStatus: (status) => {
        if (status.kind === 'connected')
          io.err(
            `Ready: ${server} → ${forwardTo} (${status.detail}); cursor in ${statePath}; ${recorder ? `recording as listener "${listener}"` : 'not recording'}\n`,
          );
        else io.err(`${paint(io, 'yellow', 'disconnected')}: ${status.detail}\n`);
      },
      onMessage: async (message) => {
        const target = targetUrl(forwardTo, pathMap, message);
        const outcome = await forwardEvent(target, message);
        // The cursor moves only once the event was handed to the local app (whatever it answered).
        writeCursor(statePath, message.id);
        recorder?.record(message.id, target, outcome);
        printOutcome(io, json, message, target, outcome);
      },
    });
    // Stopped: give the reports still queued a moment to reach the server.
    await recorder?.flush(5000);
    return 0;
  },
};

function targetUrl(forwardTo: string, pathMap: Map<string, string>, message: StreamedMessage): string {
  const mapped = pathMap.get(message.eventType);
  return mapped ? new URL(mapped, forwardTo).toString() : forwardTo;
}

function printOutcome(
  io: CliIo,
  json: boolean,
  message: StreamedMessage,
  target: string,
  outcome: ForwardOutcome,
): void {
  if (json) {
    const result =
      'status' in outcome
        ? { status: outcome.status, durationMs: outcome.durationMs }
        : { error: outcome.error, errorKind: outcome.errorKind, durationMs: outcome.durationMs };
    io.out(
      `${JSON.stringify({ id: message.id, eventType: message.eventType, createdAt: message.createdAt, target, ...result })}\n`,
    );
    return;
  }
  const result =
    'status' in outcome
      ? paint(
          io,
          outcome.status < 300 ? 'green' : 'red',
          `${outcome.status} ${STATUS_CODES[outcome.status] ?? ''}`.trim(),
        )
      : paint(io, 'red', `failed: ${outcome.error}`);
  io.out(
    `${new Date().toISOString()}  ${message.eventType}  ${message.id}  → ${result}  ${outcome.durationMs} ms\n`,
  );
}

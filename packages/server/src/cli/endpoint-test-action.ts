import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api-client.ts';
import { type ParsedArgs, stringFlag } from './args.ts';
import { CliFailure, UsageError } from './cli-errors.ts';
import { readJsonObject } from './read-data.ts';
import type { ItemAction } from './resource-command.ts';
import { renderFields } from './table.ts';

/** What the CLI reads of an attempt (the API's `Attempt`). */
interface Attempt {
  id: string;
  attemptNumber: number;
  responseStatus: number | null;
  durationMs: number;
  errorKind: string;
  errorMessage: string | null;
}

// The API answers 202 once the test message is stored; the worker sends it moments later. Polling the
// delivery's attempts is the one way to learn the outcome that never misses it (the live stream only
// shows attempts made while connected).
const POLL_MS = 200;
const DEFAULT_WAIT_MS = 60_000;

/**
 * `hookline endpoints test ID`: POST /v1/endpoints/{id}/test, then waits for the delivery's first attempt
 * and prints it; exit 1 when it failed, so a script can check an endpoint before relying on it.
 */
export const endpointTestAction: ItemAction = {
  name: 'test',
  help: 'send a test event to it alone, wait for the attempt and print it; exit 1 if it failed',
  flags: {
    'event-type': { help: 'event type of the test message (default hookline.test)' },
    data: { help: "payload, a JSON object inline or @file.json (default: the type's first example)" },
    wait: { help: 'how long to wait for the attempt: 0 (print the ids only), 30s, 2m; default 60s' },
  },
  async run({ client, itemPath, args, io }) {
    const waitMs = waitFlag(args);
    const eventType = stringFlag(args, 'event-type');
    const data = stringFlag(args, 'data');
    const { body } = await client.request('POST', `${itemPath}/test`, {
      ...(eventType === undefined ? {} : { eventType }),
      ...(data === undefined ? {} : { payload: readJsonObject(data) }),
    });
    const sent = body as { messageId: string; deliveryId: string };
    if (waitMs === 0) {
      io.out(args.flags.json ? `${JSON.stringify(sent, null, 2)}\n` : renderFields(sent));
      return 0;
    }
    const attempt = await firstAttempt(client, sent, waitMs);
    const ok = attempt.errorKind === 'none';
    if (args.flags.json) io.out(`${JSON.stringify(attempt, null, 2)}\n`);
    else {
      io.out(
        renderFields({
          result: ok ? 'succeeded' : 'failed',
          status: attempt.responseStatus === null ? '-' : String(attempt.responseStatus),
          attemptId: attempt.id,
          duration: `${attempt.durationMs} ms`,
          ...(ok ? {} : { error: describeError(attempt) }),
          messageId: sent.messageId,
          deliveryId: sent.deliveryId,
        }),
      );
    }
    if (ok) return 0;
    const delivery = (await client.request('GET', `/v1/deliveries/${encodeURIComponent(sent.deliveryId)}`))
      .body as { status: string; nextAttemptAt: string | null };
    if (delivery.nextAttemptAt !== null && ['pending', 'failed'].includes(delivery.status)) {
      io.err(
        `The delivery retries on its schedule (next at ${delivery.nextAttemptAt}); \`hookline deliveries cancel ${sent.deliveryId}\` stops it.\n`,
      );
    }
    throw new CliFailure('test_failed', `the test delivery failed: ${describeError(attempt)}`);
  },
};

/** `--wait`: `0`, seconds, or a number of s or m, in milliseconds. */
function waitFlag(args: ParsedArgs): number {
  const value = stringFlag(args, 'wait');
  if (value === undefined) return DEFAULT_WAIT_MS;
  const match = /^(\d{1,5})(s|m)?$/.exec(value);
  if (!match) throw new UsageError(`--wait must be like 0, 30s or 2m; got "${value}"`);
  return Number(match[1]) * (match[2] === 'm' ? 60_000 : 1000);
}

/** The delivery's first attempt, polled until `waitMs` has passed. */
async function firstAttempt(
  client: ApiClient,
  sent: { messageId: string; deliveryId: string },
  waitMs: number,
): Promise<Attempt> {
  const deadline = Date.now() + waitMs;
  const path = `/v1/deliveries/${encodeURIComponent(sent.deliveryId)}/attempts?limit=50`;
  const what = `test message ${sent.messageId} (delivery ${sent.deliveryId})`;
  for (;;) {
    let attempts: Attempt[];
    try {
      attempts = ((await client.request('GET', path)).body as { data: Attempt[] }).data;
    } catch (error) {
      // The test was sent: say so, or a rerun would send a second one without need.
      if (!(error instanceof CliFailure)) throw error;
      throw new CliFailure(error.code, `sent ${what}, but cannot read its outcome: ${error.message}`);
    }
    // Newest first; a retry may already have followed the first attempt.
    const first = attempts.reduce<Attempt | undefined>(
      (oldest, attempt) =>
        oldest === undefined || attempt.attemptNumber < oldest.attemptNumber ? attempt : oldest,
      undefined,
    );
    if (first) return first;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CliFailure(
        'test_pending',
        `sent ${what}, but no attempt within ${waitMs / 1000}s: is a delivery worker running (not only --role api)? Check later with \`hookline deliveries get ${sent.deliveryId}\``,
      );
    }
    await sleep(Math.min(POLL_MS, left));
  }
}

function describeError(attempt: Attempt): string {
  const status = attempt.responseStatus === null ? attempt.errorKind : `HTTP ${attempt.responseStatus}`;
  return attempt.errorMessage ? `${status}: ${attempt.errorMessage}` : status;
}

import { ApiError } from '../errors.ts';
import type { InsertOutcome, NewMessage } from '../store/store.ts';

type Published = Pick<NewMessage, 'eventType' | 'channels' | 'eventId'>;

/**
 * Whether a message published again under an idempotency key is the same request: same event type,
 * payload bytes, channels and event id. A stored message whose body was already cleared by retention
 * counts as the same: nothing is left to compare.
 */
export function sameRequest(
  original: Published & { body: Uint8Array | null },
  message: Published & { body: Uint8Array },
): boolean {
  return (
    original.eventType === message.eventType &&
    (original.body === null || Buffer.from(original.body).equals(Buffer.from(message.body))) &&
    JSON.stringify(original.channels ?? []) === JSON.stringify(message.channels ?? []) &&
    (original.eventId ?? null) === (message.eventId ?? null)
  );
}

/** A replayed Idempotency-Key must carry the same request; a different one is a client bug worth a 409. */
export function assertSameRequest(
  outcome: Extract<InsertOutcome, { duplicate: true }>,
  message: NewMessage,
): void {
  if (!sameRequest(outcome.message, message)) {
    throw new ApiError('idempotency_conflict', undefined, { details: { messageId: outcome.message.id } });
  }
}

/**
 * Refuses a batch in which two items share an idempotency key (per tenant) but differ, before anything
 * is stored: the store would keep the first and silently report the second as its duplicate. The same
 * request twice is fine, the second is a duplicate of the first.
 */
export function assertBatchKeysConsistent(messages: NewMessage[]): void {
  const firstIndex = new Map<string, number>();
  for (const [index, message] of messages.entries()) {
    if (message.idempotencyKey === null || message.idempotencyKey === undefined) continue;
    const key = `${message.tenant ?? ''}\u0000${message.idempotencyKey}`;
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      continue;
    }
    const original = messages[first] as NewMessage;
    if (!sameRequest(original, message)) {
      throw new ApiError(
        'idempotency_conflict',
        `messages ${first} and ${index} use idempotencyKey "${message.idempotencyKey}" for different requests.`,
        { details: { indexes: [first, index], idempotencyKey: message.idempotencyKey } },
      );
    }
  }
}

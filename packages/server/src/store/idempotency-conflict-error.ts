import type { InsertMessagesOptions, InsertOutcome, NewMessage } from './store.ts';
import { StoreError } from './store-error.ts';
import type { Message } from './types.ts';

/** An item of an insertMessages call whose key was used for a different request. */
export interface IdempotencyConflict {
  index: number;
  /** The message that holds the key (stored earlier, or by an earlier item of the same call). */
  existing: Message;
}

/**
 * insertMessages with `sameRequest`: some items reused a key for a different request, so nothing of the
 * call was stored (its transaction, or its part of a group commit, was rolled back).
 */
export class IdempotencyConflictError extends StoreError {
  readonly conflicts: IdempotencyConflict[];

  constructor(conflicts: IdempotencyConflict[]) {
    super(
      'conflict',
      `items ${conflicts.map((c) => c.index).join(', ')} reuse an idempotency key for a different request; nothing was stored`,
    );
    this.name = 'IdempotencyConflictError';
    this.conflicts = conflicts;
  }
}

/** Throws IdempotencyConflictError when a duplicate in `outcomes` is not the same request as its input. */
export function assertNoConflicts(
  inputs: NewMessage[],
  outcomes: InsertOutcome[],
  sameRequest: NonNullable<InsertMessagesOptions['sameRequest']>,
): void {
  const conflicts: IdempotencyConflict[] = [];
  for (const [index, outcome] of outcomes.entries()) {
    const input = inputs[index] as NewMessage;
    if (outcome.duplicate && !sameRequest(outcome.message, input)) {
      conflicts.push({ index, existing: outcome.message });
    }
  }
  if (conflicts.length > 0) throw new IdempotencyConflictError(conflicts);
}

/**
 * The `sameRequest` check only when it can matter: with no key in the call there is no duplicate, and
 * keyless batches stay on the plain group-commit path.
 */
export function conflictCheckOf(
  inputs: NewMessage[],
  options: InsertMessagesOptions | undefined,
): InsertMessagesOptions['sameRequest'] {
  const sameRequest = options?.sameRequest;
  if (sameRequest === undefined) return undefined;
  const keyed = inputs.some(
    (input) => (input.idempotencyKey ?? null) !== null || (input.dedupKey ?? null) !== null,
  );
  return keyed ? sameRequest : undefined;
}

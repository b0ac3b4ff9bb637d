import type { ClaimedDelivery, LocalWorker } from './store.ts';
import { StoreError } from './store-error.ts';
import type { Delivery, Message } from './types.ts';

/**
 * What one insert leases to the attached local worker (`Store.attachLocalWorker`), for both engines: a
 * delivery it reserves is stored as a claim would leave it (in flight, one attempt counted, lease token 1)
 * and handed over once the insert is durable; reservations of messages that were not stored (a rollback,
 * a duplicate) are cancelled.
 */
export class LocalHandoff {
  readonly #worker: LocalWorker;
  readonly #leased = new Map<string, { message: Message; claims: ClaimedDelivery[] }>();
  #open = true;

  constructor(worker: LocalWorker) {
    this.#worker = worker;
  }

  get workerId(): string {
    return this.#worker.workerId;
  }

  /** The delivery as leased to the worker, or null when it is not due yet or the worker declines it. */
  lease(
    message: Message,
    delivery: { id: string; endpointId: string; maxAttempts: number; dueAt: number },
    now: number,
  ): Delivery | null {
    if (delivery.dueAt > now || !this.#worker.reserve(delivery.endpointId)) return null;
    const leased: Delivery = {
      id: delivery.id,
      messageId: message.id,
      endpointId: delivery.endpointId,
      tenant: message.tenant,
      status: 'in_flight',
      attemptCount: 1,
      manualAttempts: 0,
      maxAttempts: delivery.maxAttempts,
      nextAttemptAt: delivery.dueAt,
      leaseExpiresAt: now + this.#worker.leaseMs,
      leaseToken: 1,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    let entry = this.#leased.get(message.id);
    if (!entry) {
      entry = { message, claims: [] };
      this.#leased.set(message.id, entry);
    }
    entry.claims.push({ delivery: leased, leaseToken: leased.leaseToken });
    return leased;
  }

  /** After the commit: hands over the leases of the messages `stored` says were stored, cancels the rest. */
  settle(stored: (messageId: string) => boolean): void {
    if (!this.#open) return;
    this.#open = false;
    const handed: { message: Message; claims: ClaimedDelivery[] }[] = [];
    const cancelled: string[] = [];
    for (const [messageId, entry] of this.#leased) {
      if (stored(messageId)) handed.push(entry);
      else for (const claim of entry.claims) cancelled.push(claim.delivery.endpointId);
    }
    if (cancelled.length > 0) this.#worker.cancel(cancelled);
    if (handed.length > 0) this.#worker.take(handed);
  }

  /** Nothing was stored: every reservation is void. */
  cancelAll(): void {
    this.settle(() => false);
  }
}

/** `Store.attachLocalWorker` on an engine context that holds the attached worker: one at a time. */
export function attachLocalWorker(ctx: { localWorker: LocalWorker | null }, worker: LocalWorker): () => void {
  if (ctx.localWorker) throw new StoreError('conflict', 'a local worker is already attached');
  ctx.localWorker = worker;
  return () => {
    if (ctx.localWorker === worker) ctx.localWorker = null;
  };
}

import type {
  AttemptOutcome,
  AttemptResult,
  ClaimedDelivery,
  LocalWorker,
  NewAttempt,
  Store,
} from '../store/store.ts';
import type { Attempt, AttemptTrigger, Delivery, Endpoint, Message } from '../store/types.ts';
import { CompletionBatcher } from './completion-batcher.ts';
import { EndpointLimiter } from './endpoint-limiter.ts';

/** What one HTTP try produced, already classified by the retry policy. */
export interface AttemptRun {
  attempt: NewAttempt;
  outcome: AttemptOutcome;
  endpointEffect: NonNullable<AttemptResult['endpoint']>;
}

export interface AttemptInput {
  message: Message;
  endpoint: Endpoint;
  delivery: Delivery;
  attemptNumber: number;
  trigger: AttemptTrigger;
  signal: AbortSignal;
}

export type RunAttempt = (input: AttemptInput) => Promise<AttemptRun>;

/** What `onCommitted` learns beside the result: the message, the endpoint, and the delivery's scheduled count. */
export interface CommittedContext {
  message: Message;
  endpoint: Endpoint;
  /** Scheduled attempts of the delivery so far, this one included (`Delivery.attemptCount`). */
  scheduledAttempts: number;
}

export interface DispatcherLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface DispatcherOptions {
  store: Store;
  runAttempt: RunAttempt;
  /** Max attempts for a resend's delivery when none exists yet (from the retry policy). */
  maxAttempts: (endpoint: Endpoint) => number;
  clock: () => number;
  logger: DispatcherLogger;
  workerId: string;
  /** Attempts in flight across all endpoints, each until its result is committed. */
  concurrency?: number;
  /** Deliveries claimed per query. */
  batchSize?: number;
  /** Lease per claim: longer than the longest attempt, so a live worker never loses its lease. */
  leaseMs?: number;
  /** Fallback polling when no wake-up arrives. */
  pollIntervalMs?: number;
  /** In-flight cap for endpoints that set none: one dead endpoint may hold only this many slots. */
  defaultEndpointConcurrency?: number;
  /**
   * In-flight cap while an endpoint is failing (its last attempt failed), whatever it sets: many endpoints
   * going dark at once then hold a few slots each, not the whole worker, until one of them succeeds.
   */
  failingEndpointConcurrency?: number;
  /** Called after an accepted result commits (operational events, metrics). */
  onCommitted?: (result: AttemptResult, context: CommittedContext) => void;
}

interface Job {
  claim: ClaimedDelivery;
  message: Message;
  endpoint: Endpoint;
}

/**
 * How often, at most, a worker with held jobs asks whether any endpoint changed (`endpointsVersion`, one
 * row) before starting one: a job held behind a rate limit carries the endpoint row of its claim, and a
 * disable, delete or secret rotation must stop it, even when another process made the change.
 */
export const ENDPOINT_CHECK_MS = 250;
/** A held job starts only if its lease outlasts the attempt's deadline by this much (clock skew, commit). */
const LEASE_MARGIN_MS = 1_000;
/** Held jobs an endpoint is expected to start within this long are worth keeping (see `#holdLimit`). */
const HOLD_HORIZON_MS = 5_000;

/**
 * The worker loop: claims due deliveries in batches, admits each through its endpoint's concurrency
 * and rate limits, runs the attempt, and hands results to the completion batcher. Endpoints that are
 * saturated are excluded from the next claim and their surplus is held briefly, so healthy endpoints
 * keep flowing while a bad one waits on its own slots.
 */
export class Dispatcher implements LocalWorker {
  readonly #o: Required<Omit<DispatcherOptions, 'onCommitted'>> & Pick<DispatcherOptions, 'onCommitted'>;
  readonly #limiter: EndpointLimiter;
  readonly #batcher: CompletionBatcher;
  readonly #held = new Map<string, Job[]>();
  /** Jobs in all of `#held`'s queues, kept as they change: read for every delivery an insert offers. */
  #heldTotal = 0;
  readonly #inFlight = new Map<string, { job: Job; abort: AbortController; done: Promise<void> }>();
  readonly #contexts = new Map<string, CommittedContext>();
  #running = false;
  #loopAlive = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;
  #failures = 0;
  /** A poke that came while the loop was busy: the next sleep returns at once instead of missing it. */
  #poked = false;
  /**
   * The exclusion set of the last claim that found nothing. Claiming again with the same set can only
   * find work that an outside wake-up (new work, a moved clock) or the due time announces, and an empty
   * claim is not free: SQLite walks every due row of the excluded endpoints to find nothing.
   */
  #emptyKey: string | null = null;
  /**
   * What this worker's own attempts last said of an endpoint (true: failing), fresher than the endpoint
   * row a job was admitted with: held jobs carry the row as it was when they were claimed.
   */
  readonly #failing = new Map<string, boolean>();
  /** Endpoints as last loaded for a claim: their limits decide whether a new delivery is taken at once. */
  readonly #endpoints = new Map<string, Endpoint>();
  /** Places reserved by inserts not yet handed over (see `reserve`), per endpoint and in all. */
  readonly #reserved = new Map<string, number>();
  #reservedTotal = 0;
  #detachLocal: (() => void) | null = null;
  /** Mean attempt duration per endpoint as this worker saw it (ms), for `#holdLimit`. */
  readonly #durations = new Map<string, number>();
  /** Timers of rate-bound or expiring held queues, one per endpoint. */
  readonly #drainTimers = new Map<string, NodeJS.Timeout>();
  /** `endpointsVersion` when held jobs' endpoints were last known current, and when that was asked. */
  #endpointsVersion: number | null = null;
  #endpointsCheckedAt = Number.NEGATIVE_INFINITY;
  #endpointsCheck: Promise<void> | null = null;

  constructor(options: DispatcherOptions) {
    this.#o = {
      concurrency: 64,
      batchSize: 100,
      leaseMs: 90_000,
      pollIntervalMs: 1_000,
      defaultEndpointConcurrency: 16,
      failingEndpointConcurrency: 2,
      ...options,
    };
    this.#limiter = new EndpointLimiter(options.clock);
    this.#batcher = new CompletionBatcher({
      store: options.store,
      onCommitted: (result, accepted) => {
        const context = this.#contexts.get(result.deliveryId);
        this.#contexts.delete(result.deliveryId);
        if (accepted && context) this.#o.onCommitted?.(result, context);
      },
      onError: (error, count) =>
        this.#o.logger.error({ err: error, count }, 'storing attempt results failed; retrying'),
    });
  }

  get workerId(): string {
    return this.#o.workerId;
  }

  get leaseMs(): number {
    return this.#o.leaseMs;
  }

  /**
   * Takes a delivery the store is inserting right now (LocalWorker): only while this worker has room and
   * the endpoint, as last loaded, could start it at once. An endpoint with a backlog, at its limit or not
   * loaded yet is left to the claim loop, so a dead endpoint cannot fill the worker through this path.
   */
  reserve(endpointId: string): boolean {
    if (!this.#running) return false;
    const endpoint = this.#endpoints.get(endpointId);
    if (!endpoint || this.#held.has(endpointId)) return false;
    if (this.#room() <= 0) return false;
    const reserved = this.#reserved.get(endpointId) ?? 0;
    const active = this.#limiter.activeCount(endpointId);
    if (active + reserved >= this.#limits(endpoint).maxConcurrency) return false;
    this.#reserved.set(endpointId, reserved + 1);
    this.#reservedTotal += 1;
    return true;
  }

  cancel(endpointIds: string[]): void {
    for (const id of endpointIds) this.#unreserve(id);
  }

  take(handoff: { message: Message; claims: ClaimedDelivery[] }[]): void {
    const claims = handoff.flatMap((h) => h.claims);
    const messages = new Map(handoff.map((h) => [h.message.id, h.message]));
    void this.#admitHandoff(claims, messages);
  }

  async #admitHandoff(claims: ClaimedDelivery[], messages: Map<string, Message>): Promise<void> {
    try {
      await this.#admitAll(claims, messages);
    } catch (error) {
      this.#o.logger.error({ err: error }, 'loading handed-over deliveries failed');
      const given = claims.map((c) => ({ deliveryId: c.delivery.id, leaseToken: c.leaseToken }));
      // Not given back (store down): the leases expire and the claim loop retries them.
      await this.#o.store.releaseDeliveries(given).catch(() => undefined);
    } finally {
      for (const claim of claims) this.#unreserve(claim.delivery.endpointId);
    }
  }

  #unreserve(endpointId: string): void {
    const left = (this.#reserved.get(endpointId) ?? 0) - 1;
    if (left > 0) this.#reserved.set(endpointId, left);
    else this.#reserved.delete(endpointId);
    this.#reservedTotal = Math.max(0, this.#reservedTotal - 1);
  }

  /** True while the loop is started and alive (readiness): false after stop() or if the loop died. */
  get running(): boolean {
    return this.#running && this.#loopAlive;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#o.store.onWork(() => this.poke());
    this.#detachLocal = this.#o.store.attachLocalWorker?.(this) ?? null;
    this.#loopAlive = true;
    this.#loop = this.#run()
      .catch((error: unknown) => this.#o.logger.error({ err: error }, 'dispatcher loop died'))
      .finally(() => {
        this.#loopAlive = false;
      });
  }

  /** Wakes the loop now (new work, a test that moved its clock). */
  poke(): void {
    this.#emptyKey = null;
    this.#wakeLoop();
  }

  #wakeLoop(): void {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) wake();
    else this.#poked = true;
  }

  /**
   * Stops claiming, waits up to `graceMs` for attempts in flight, aborts the rest and gives their
   * deliveries (and any held ones) back without counting an attempt.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#detachLocal?.();
    this.#detachLocal = null;
    this.poke();
    await this.#loop;
    const inFlight = [...this.#inFlight.values()];
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(inFlight.map((entry) => entry.done)), graceOver]);
    clearTimeout(timer);
    const giveBack: { deliveryId: string; leaseToken: number }[] = [];
    for (const entry of this.#inFlight.values()) {
      entry.abort.abort();
      giveBack.push({ deliveryId: entry.job.claim.delivery.id, leaseToken: entry.job.claim.leaseToken });
    }
    for (const jobs of this.#held.values()) {
      for (const job of jobs)
        giveBack.push({ deliveryId: job.claim.delivery.id, leaseToken: job.claim.leaseToken });
    }
    this.#held.clear();
    this.#heldTotal = 0;
    for (const id of [...this.#drainTimers.keys()]) this.#clearDrainTimer(id);
    await this.#endpointsCheck;
    await this.#batcher.flush();
    if (giveBack.length > 0) await this.#o.store.releaseDeliveries(giveBack);
  }

  /**
   * Sends a message to an endpoint now, as a manual attempt that leaves a scheduled retry alone (see
   * `Store.recordManualAttempt` for what a success settles).
   */
  async resend(messageId: string, endpoint: Endpoint): Promise<Attempt | null> {
    const [message] = await this.#o.store.getMessages([messageId]);
    if (!message || message.body === null) return null;
    // Unscheduled: a delivery created here is this resend's alone, not sent again by the worker.
    const delivery = await this.#o.store.ensureDelivery(
      messageId,
      endpoint.id,
      this.#o.maxAttempts(endpoint),
      {
        scheduled: false,
      },
    );
    const run = await this.#o.runAttempt({
      message,
      endpoint,
      delivery,
      // The store gives the resend its final number when it records it (concurrent resends each get theirs).
      attemptNumber: delivery.attemptCount + delivery.manualAttempts + 1,
      trigger: 'manual',
      signal: new AbortController().signal,
    });
    // A success shows the endpoint answers (the store stops its failing clock too); a failure of one
    // resent message is not held against it.
    if (run.endpointEffect.effect === 'success') this.#noteHealth(endpoint.id, false);
    return this.#o.store.recordManualAttempt({ ...run.attempt, trigger: 'manual' });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const capacity = this.#room();
      if (capacity <= 0) {
        await this.#sleep(this.#o.pollIntervalMs);
        continue;
      }
      let claimed: ClaimedDelivery[];
      const limit = Math.min(this.#o.batchSize, capacity);
      const excluded = this.#busyEndpoints().sort();
      const key = excluded.join(' ');
      if (key === this.#emptyKey) {
        await this.#sleepUntilDue();
        continue;
      }
      this.#poked = false;
      try {
        claimed = await this.#o.store.claimDeliveries({
          workerId: this.#o.workerId,
          limit,
          leaseMs: this.#o.leaseMs,
          excludeEndpoints: excluded,
        });
        this.#failures = 0;
      } catch (error) {
        // A store that is down must not make this loop spin: back off up to the poll interval x 10.
        this.#failures += 1;
        this.#o.logger.error({ err: error }, 'claiming deliveries failed');
        await this.#sleep(Math.min(this.#o.pollIntervalMs * 10, 100 * 2 ** this.#failures));
        continue;
      }
      if (claimed.length === 0) {
        this.#emptyKey = key;
        await this.#sleepUntilDue();
        continue;
      }
      try {
        await this.#admitAll(claimed);
        // Claim again at once only when more may be claimable: a short batch took everything due for
        // the endpoints not excluded, and a batch whose endpoints are all busy now would be followed by
        // a claim that excludes them all. Such an empty claim is not free (SQLite walks every due row of
        // the excluded endpoints); new work, a drained endpoint or the due time wakes this loop instead.
        if (claimed.length < limit || claimed.every((c) => this.#isBusy(c.delivery.endpointId))) {
          await this.#sleepUntilDue();
        }
      } catch (error) {
        // Loading the batch failed (store down): hand the claims back rather than wait out their leases.
        this.#o.logger.error({ err: error }, 'loading claimed deliveries failed');
        const claims = claimed.map((c) => ({ deliveryId: c.delivery.id, leaseToken: c.leaseToken }));
        await this.#o.store.releaseDeliveries(claims).catch(() => undefined);
        await this.#sleep(this.#o.pollIntervalMs);
      }
    }
  }

  /** Loads what the claims need (their messages unless `known`, and endpoints) and admits each one. */
  async #admitAll(claimed: ClaimedDelivery[], known?: Map<string, Message>): Promise<void> {
    const messageIds = known ? [] : [...new Set(claimed.map((c) => c.delivery.messageId))];
    const endpointIds = [...new Set(claimed.map((c) => c.delivery.endpointId))];
    const [messages, endpoints] = await Promise.all([
      messageIds.length > 0 ? this.#o.store.getMessages(messageIds) : [],
      Promise.all(endpointIds.map((id) => this.#o.store.getEndpoint(id))),
    ]);
    if (known && !this.#running) {
      // Handed over after stop() (or while its endpoints loaded): give the deliveries back, start nothing.
      const given = claimed.map((c) => ({ deliveryId: c.delivery.id, leaseToken: c.leaseToken }));
      await this.#o.store.releaseDeliveries(given);
      return;
    }
    const messageById = known ?? new Map(messages.map((m) => [m.id, m]));
    const endpointById = new Map(endpoints.filter((e) => e !== null).map((e) => [e.id, e]));
    for (const id of endpointIds) this.#rememberEndpoint(id, endpointById.get(id));
    const surplus: Job[] = [];
    for (const claim of claimed) {
      const message = messageById.get(claim.delivery.messageId);
      const endpoint = endpointById.get(claim.delivery.endpointId);
      if (!message || message.body === null || !endpoint) {
        this.#abandon(
          claim,
          endpoint,
          message === undefined || message.body === null ? 'payload expired' : 'endpoint deleted',
        );
        continue;
      }
      if (!this.#admit({ claim, message, endpoint })) surplus.push({ claim, message, endpoint });
    }
    this.#giveBack(surplus);
  }

  /**
   * Starts the job, or holds it behind its endpoint's limits; false when the endpoint already holds as
   * many as it can start in time (see `#holdLimit`): the caller gives that one back to the store.
   */
  #admit(job: Job): boolean {
    const endpointId = job.endpoint.id;
    const queue = this.#held.get(endpointId);
    if (queue && queue.length > 0) {
      if (queue.length >= this.#holdLimit(job.endpoint)) return false;
      queue.push(job);
      this.#heldTotal += 1;
      return true;
    }
    if (this.#limiter.tryAcquire(endpointId, this.#limits(job.endpoint))) {
      this.#start(job);
      return true;
    }
    if (this.#holdLimit(job.endpoint) < 1) return false;
    this.#held.set(endpointId, [job]);
    this.#heldTotal += 1;
    this.#scheduleDrain(endpointId);
    return true;
  }

  /**
   * Jobs an endpoint may hold beyond those it runs. Held jobs are leased to this worker and count against
   * its room, so a backlog behind one slow or rate-limited endpoint must not fill the worker (healthy
   * endpoints would wait) nor outlive its lease (another claim would send it again). So an endpoint holds
   * what it is expected to start within HOLD_HORIZON_MS (at least one wave of its concurrency) and never
   * more than it can start before the leases run out, from its rate and the attempt durations this worker
   * saw (its deadline until one is known). The rest goes back to the store uncounted, claimed again once
   * the endpoint has room; a fast endpoint is never short of held work.
   */
  #holdLimit(endpoint: Endpoint): number {
    const { maxConcurrency, ratePerSecond } = this.#limits(endpoint);
    const duration = Math.max(1, this.#durations.get(endpoint.id) ?? endpoint.timeoutMs);
    const perSecond = Math.min(ratePerSecond ?? Number.POSITIVE_INFINITY, (maxConcurrency * 1000) / duration);
    const window = Math.max(0, this.#o.leaseMs - endpoint.timeoutMs - LEASE_MARGIN_MS);
    const soon = Math.max(maxConcurrency, Math.floor((perSecond * HOLD_HORIZON_MS) / 1000));
    return Math.min(soon, Math.floor((perSecond * window) / 1000));
  }

  #noteDuration(endpointId: string, ms: number): void {
    // Bounded like #failing; a moving average, so one slow answer does not shrink what is held at once.
    if (this.#durations.size >= 10_000 && !this.#durations.has(endpointId)) this.#durations.clear();
    const last = this.#durations.get(endpointId);
    this.#durations.set(endpointId, last === undefined ? ms : last * 0.8 + ms * 0.2);
  }

  /** True when the job's lease may end before an attempt started now would: it must not start. */
  #leaseTooShort(job: Job, now: number): boolean {
    const expires = job.claim.delivery.leaseExpiresAt;
    return expires !== null && now + job.endpoint.timeoutMs + LEASE_MARGIN_MS > expires;
  }

  /** Hands jobs this worker will not start back to the store, uncounted (their claims stay fenced). */
  #giveBack(jobs: Job[]): void {
    if (jobs.length === 0) return;
    const claims = jobs.map((j) => ({ deliveryId: j.claim.delivery.id, leaseToken: j.claim.leaseToken }));
    this.#o.store.releaseDeliveries(claims).catch((error: unknown) => {
      // Their leases expire instead and the claim loop retries them: nothing is lost.
      this.#o.logger.warn({ err: error, count: claims.length }, 'giving back held deliveries failed');
    });
  }

  #start(job: Job): void {
    const abort = new AbortController();
    const delivery = job.claim.delivery;
    let released = false;
    // The endpoint's slot is freed as soon as its HTTP attempt is over, not after the result's commit: the
    // limit is on requests at the receiver, and the commit (with its fsync) would otherwise hold the slot.
    // The worker's slot is held until the commit, so what a crash leaves to be sent again (attempts out
    // and results not yet committed) stays within `concurrency`. Freeing it early too (with a separate
    // cap of 4x on uncommitted results) measured no gain in the delivery bench, where the endpoints' caps
    // bind first, and a SIGKILLed worker then left 66 deliveries to resend at a concurrency of 64.
    const release = () => {
      if (released) return;
      released = true;
      this.#limiter.release(job.endpoint.id);
      this.#drain(job.endpoint.id);
    };
    const done = this.#execute(job, abort.signal, release).finally(() => {
      this.#inFlight.delete(delivery.id);
      release();
      // Claim more only when this endpoint has no held work left: while it does, the drain above fills
      // the freed slot, and a claim would exclude every busy endpoint and find nothing. On SQLite that
      // empty claim still walks every due row of the excluded endpoints (the delivery bench spent half
      // its CPU there, at ~2,000 deliveries/s).
      if (this.#running && !this.#held.has(job.endpoint.id) && this.#inFlight.size < this.#o.concurrency) {
        this.#wakeLoop();
      }
    });
    this.#inFlight.set(delivery.id, { job, abort, done });
  }

  async #execute(job: Job, signal: AbortSignal, release: () => void): Promise<void> {
    const { claim, message, endpoint } = job;
    let run: AttemptRun;
    try {
      run = await this.#o.runAttempt({
        message,
        endpoint,
        delivery: claim.delivery,
        attemptNumber: claim.delivery.attemptCount + claim.delivery.manualAttempts,
        trigger: 'scheduled',
        signal,
      });
      this.#noteHealth(endpoint.id, run.endpointEffect.effect !== 'success');
      this.#noteDuration(endpoint.id, run.attempt.durationMs);
      release();
    } catch (error) {
      // The runner classifies every network failure itself; reaching here is a bug. The lease expiry
      // retries the delivery and counts the attempt, so nothing is lost and nothing loops forever.
      this.#o.logger.error({ err: error, deliveryId: claim.delivery.id }, 'attempt runner threw');
      return;
    }
    if (signal.aborted) return;
    this.#contexts.set(claim.delivery.id, {
      message,
      endpoint,
      scheduledAttempts: claim.delivery.attemptCount,
    });
    await this.#batcher.add({
      deliveryId: claim.delivery.id,
      leaseToken: claim.leaseToken,
      attempt: run.attempt,
      outcome: run.outcome,
      endpoint: run.endpointEffect,
    });
  }

  #abandon(claim: ClaimedDelivery, endpoint: Endpoint | undefined, reason: string): void {
    const now = this.#o.clock();
    void this.#batcher.add({
      deliveryId: claim.delivery.id,
      leaseToken: claim.leaseToken,
      outcome: { kind: 'cancelled' },
      attempt: {
        deliveryId: claim.delivery.id,
        messageId: claim.delivery.messageId,
        endpointId: claim.delivery.endpointId,
        attemptNumber: claim.delivery.attemptCount + claim.delivery.manualAttempts,
        trigger: 'scheduled',
        url: endpoint?.url ?? '',
        requestHeaders: {},
        responseStatus: null,
        responseHeaders: {},
        responseBody: null,
        durationMs: 0,
        errorKind: 'internal',
        errorMessage: `delivery cancelled: ${reason} (${new Date(now).toISOString()})`,
      },
    });
  }

  #drain(endpointId: string): void {
    const queue = this.#held.get(endpointId);
    if (!queue) return;
    // Held jobs start only with a current endpoint row: the check drains every queue when it is done.
    if (this.#endpointsCheck) return;
    const now = this.#o.clock();
    if (now - this.#endpointsCheckedAt >= ENDPOINT_CHECK_MS) {
      this.#checkEndpoints();
      return;
    }
    const expired: Job[] = [];
    let kept = 0;
    for (const job of queue) {
      if (this.#leaseTooShort(job, now)) expired.push(job);
      else queue[kept++] = job;
    }
    if (expired.length > 0) {
      queue.length = kept;
      this.#heldTotal -= expired.length;
      this.#giveBack(expired);
    }
    // A queue held while its endpoint was healthy may exceed what it can start in time once it fails.
    const limit = queue[0] ? this.#holdLimit(queue[0].endpoint) : 0;
    if (queue.length > limit) {
      const surplus = queue.splice(limit);
      this.#giveBack(surplus);
      this.#heldTotal -= surplus.length;
    }
    while (queue.length > 0) {
      const next = queue[0];
      if (!next || !this.#limiter.tryAcquire(endpointId, this.#limits(next.endpoint))) break;
      queue.shift();
      this.#heldTotal -= 1;
      this.#start(next);
    }
    if (queue.length === 0) {
      this.#held.delete(endpointId);
      this.#clearDrainTimer(endpointId);
      if (expired.length > 0 && this.#running) this.#wakeLoop();
    } else this.#scheduleDrain(endpointId);
  }

  /**
   * Asks the store whether any endpoint changed since held jobs were loaded; if so reloads the endpoints of
   * held queues first: a deleted or disabled endpoint's jobs go back to the store (the claim cancels or
   * keeps them), the others start with the new row (URL, headers, secrets, limits).
   */
  #checkEndpoints(): void {
    if (this.#endpointsCheck) return;
    this.#endpointsCheck = (async () => {
      try {
        const version = await this.#o.store.endpointsVersion();
        if (version !== this.#endpointsVersion) await this.#reloadHeld();
        this.#endpointsVersion = version;
      } catch (error) {
        // The store is unreachable: the held rows are the best known; their attempts will say the rest.
        this.#o.logger.warn({ err: error }, 'checking endpoints for held deliveries failed');
      }
    })().finally(() => {
      this.#endpointsCheckedAt = this.#o.clock();
      this.#endpointsCheck = null;
      for (const id of [...this.#held.keys()]) this.#drain(id);
    });
  }

  async #reloadHeld(): Promise<void> {
    const ids = [...this.#held.keys()];
    const fresh = await Promise.all(ids.map((id) => this.#o.store.getEndpoint(id)));
    ids.forEach((id, i) => {
      const endpoint = fresh[i] ?? undefined;
      const queue = this.#held.get(id);
      this.#rememberEndpoint(id, endpoint);
      if (!queue) return;
      if (!endpoint || endpoint.disabled) {
        this.#held.delete(id);
        this.#clearDrainTimer(id);
        this.#heldTotal -= queue.length;
        this.#giveBack(queue);
        return;
      }
      for (const job of queue) job.endpoint = endpoint;
    });
  }

  #scheduleDrain(endpointId: string): void {
    const queue = this.#held.get(endpointId);
    if (!queue || queue.length === 0) return;
    const now = this.#o.clock();
    // Concurrency-bound queues drain when a slot frees; a timer serves rate-bound ones, and gives back
    // jobs that would otherwise wait past their lease for a slot.
    let wait = this.#limiter.waitMs(endpointId);
    if (wait <= 0) wait = Number.POSITIVE_INFINITY;
    for (const job of queue) {
      const expires = job.claim.delivery.leaseExpiresAt;
      if (expires !== null) wait = Math.min(wait, expires - job.endpoint.timeoutMs - LEASE_MARGIN_MS - now);
    }
    if (!Number.isFinite(wait)) return;
    this.#clearDrainTimer(endpointId);
    const timer = setTimeout(
      () => {
        this.#drainTimers.delete(endpointId);
        this.#drain(endpointId);
      },
      Math.max(1, wait),
    );
    timer.unref();
    this.#drainTimers.set(endpointId, timer);
  }

  #clearDrainTimer(endpointId: string): void {
    const timer = this.#drainTimers.get(endpointId);
    if (timer) clearTimeout(timer);
    this.#drainTimers.delete(endpointId);
  }

  #limits(endpoint: Endpoint): { maxConcurrency: number; ratePerSecond: number | null } {
    const configured = endpoint.maxConcurrency ?? this.#o.defaultEndpointConcurrency;
    const failing = this.#failing.get(endpoint.id) ?? endpoint.failingSince !== null;
    return {
      maxConcurrency: failing ? Math.min(configured, this.#o.failingEndpointConcurrency) : configured,
      ratePerSecond: endpoint.rateLimitPerSecond,
    };
  }

  #rememberEndpoint(id: string, endpoint: Endpoint | undefined): void {
    if (!endpoint) {
      this.#endpoints.delete(id);
      return;
    }
    // Bounded like #failing: cleared whole if it grows large; claims then load endpoints again.
    if (this.#endpoints.size >= 10_000 && !this.#endpoints.has(id)) this.#endpoints.clear();
    this.#endpoints.set(id, endpoint);
  }

  #noteHealth(endpointId: string, failing: boolean): void {
    // One entry per endpoint this worker delivered to (deleted endpoints linger): cleared whole if it ever
    // grows large, after which the endpoint rows' failingSince answers until attempts refill it.
    if (this.#failing.size >= 10_000 && !this.#failing.has(endpointId)) this.#failing.clear();
    this.#failing.set(endpointId, failing);
  }

  /** Deliveries this worker may still take: attempts out, jobs held and places reserved all count. */
  #room(): number {
    return this.#o.concurrency - this.#inFlight.size - this.#heldTotal - this.#reservedTotal;
  }

  #busyEndpoints(): string[] {
    const busy = new Set(this.#limiter.saturatedEndpoints());
    for (const id of this.#held.keys()) busy.add(id);
    return [...busy];
  }

  #isBusy(endpointId: string): boolean {
    return this.#held.has(endpointId) || this.#limiter.isSaturated(endpointId);
  }

  async #sleepUntilDue(): Promise<void> {
    let due: number | null = null;
    try {
      due = await this.#o.store.nextDueAt();
    } catch {
      due = null;
    }
    // Work that is due but was not claimed belongs to saturated endpoints, whose freed slots poke
    // this loop; so "due now" sleeps until a poke or the poll interval, never spins.
    const wait = due === null ? this.#o.pollIntervalMs : due - this.#o.clock();
    await this.#sleep(wait <= 0 ? this.#o.pollIntervalMs : Math.min(wait, this.#o.pollIntervalMs));
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running || this.#poked) {
      this.#poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        // The due time or the poll interval came: whatever was not claimable may be now.
        this.#emptyKey = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

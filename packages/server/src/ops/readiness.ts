import type { Store } from '../store/store.ts';

/** What `/readyz` checks; each is `ok`, `not_run` (this role has none) or the reason it failed. */
export interface ReadinessChecks {
  store: string;
  worker: string;
}

export type Readiness = { ready: true; checks: ReadinessChecks } | { ready: false; checks: ReadinessChecks };

/** Inputs of {@link checkReadiness}. */
export interface ReadinessDeps {
  store: Pick<Store, 'ping'>;
  /**
   * The delivery loop of this process: `null` when the role runs none (`--role api`), so readiness does
   * not depend on it; otherwise whether it is still running.
   */
  workerRunning: (() => boolean) | null;
}

/**
 * Ready means this process can do its job now: the store answers with every migration applied and,
 * when this role runs the delivery loop, the loop is running. A load balancer takes a process out of
 * rotation on 503 instead of sending it requests that would fail.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  let store: string;
  try {
    const ping = await deps.store.ping();
    store = ping.ok ? 'ok' : ping.reason;
  } catch (error) {
    // ping() is meant to report, not throw; a throwing one is the same answer: not ready.
    store = error instanceof Error ? error.message : 'store ping failed';
  }
  const worker = deps.workerRunning === null ? 'not_run' : deps.workerRunning() ? 'ok' : 'stopped';
  const checks = { store, worker };
  return { ready: store === 'ok' && worker !== 'stopped', checks };
}

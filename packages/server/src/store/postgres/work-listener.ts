import type pg from 'pg';
import { WORK_CHANNEL } from './context.ts';

export interface WorkListenerOptions {
  /** A fresh, unconnected client each time (LISTEN needs a session of its own, outside the pool). */
  newClient: () => pg.Client;
  /** How often an idle LISTEN session is checked with a round trip (a half-open TCP link raises no event). */
  checkIntervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Wake everyone: a notification arrived, or the session was re-established and some may have been missed. */
  wake: () => void;
}

export interface WorkListener {
  /** The backend pid of the current LISTEN session, or null while (re)connecting. */
  readonly pid: number | null;
  /** Resolves when a LISTEN session is up (tests; the store never waits for it). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps one `LISTEN hookline_work` session alive. A dropped session (error or end event, or a failed
 * periodic check) is replaced with exponential backoff; on every (re)connect listeners are woken once,
 * because notifications sent while no session existed are lost. Polling by the dispatcher stays the
 * fallback either way.
 */
export function startWorkListener(options: WorkListenerOptions): WorkListener {
  const checkIntervalMs = options.checkIntervalMs ?? 10_000;
  const minBackoffMs = options.minBackoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let client: pg.Client | null = null;
  let pid: number | null = null;
  let closed = false;
  let backoff = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let waiters: (() => void)[] = [];

  const check = setInterval(() => {
    const current = client;
    if (!current || pid === null) return;
    current.query('SELECT 1').catch(() => drop(current));
  }, checkIntervalMs);
  check.unref();

  function drop(which: pg.Client): void {
    if (which !== client) return;
    client = null;
    pid = null;
    which.removeAllListeners('notification');
    which.end().catch(() => {});
    scheduleConnect();
  }

  function scheduleConnect(): void {
    if (closed || retryTimer) return;
    backoff = backoff === 0 ? minBackoffMs : Math.min(backoff * 2, maxBackoffMs);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, backoff);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const next = options.newClient();
    client = next;
    next.on('error', () => drop(next));
    next.on('end', () => drop(next));
    next.on('notification', () => options.wake());
    try {
      await next.connect();
      await next.query(`LISTEN ${WORK_CHANNEL}`);
      const { rows } = await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (client !== next || closed) return;
      pid = rows[0]?.pid ?? null;
      backoff = 0;
      for (const done of waiters.splice(0)) done();
      options.wake();
    } catch {
      drop(next);
    }
  }

  void connect();
  return {
    get pid() {
      return pid;
    },
    ready() {
      if (pid !== null) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      clearInterval(check);
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      pid = null;
      waiters = [];
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => {});
      }
    },
  };
}

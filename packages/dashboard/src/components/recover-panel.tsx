import { useEffect, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Delivery, Page } from '../api/types.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';

type Progress =
  | { state: 'idle' }
  | { state: 'recovering' }
  | { state: 'delivering'; recovered: number; waiting: number }
  | { state: 'done'; recovered: number; failedAgain: number; waiting: number };

// How often the progress is read while recovered deliveries go out, and for how long before the panel
// stops watching (the deliveries keep going in the background).
const POLL_MS = 1000;
const WATCH_MS = 120_000;

/**
 * Recover an endpoint's failed and exhausted deliveries created in a time window: the call answers with
 * how many went back to the queue; the panel then follows them (pending → done) by reading the
 * endpoint's deliveries in that window until none is waiting.
 */
export function RecoverPanel({ endpointId, onChanged }: { endpointId: string; onChanged: () => void }) {
  const api = useApi();
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600_000));
  const [until, setUntil] = useState('');
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [watched, setWatched] = useState<{ since: string; until: string } | null>(null);

  const count = async (status: string, range: { since: string; until: string }) => {
    const page = await api.get<Page<Delivery>>('/v1/deliveries', {
      endpointId,
      status,
      limit: 1000,
      ...range,
    });
    return page.data.length;
  };

  useEffect(() => {
    if (progress.state !== 'delivering' || watched === null) return;
    let stopped = false;
    const started = Date.now();
    const tick = async () => {
      try {
        const waiting = await count('pending,in_flight', watched);
        if (stopped) return;
        if (waiting === 0 || Date.now() - started > WATCH_MS) {
          const failedAgain = await count('failed,exhausted', watched);
          if (stopped) return;
          setProgress({ state: 'done', recovered: progress.recovered, failedAgain, waiting });
          onChanged();
          return;
        }
        setProgress({ ...progress, waiting });
        timer = setTimeout(tick, POLL_MS);
      } catch (failure) {
        if (!stopped) setError(toApiError(failure));
      }
    };
    let timer = setTimeout(tick, progress.waiting === 0 ? 0 : POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [progress.state, watched]);

  const recover = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const range = {
      since: new Date(since).toISOString(),
      // The window the watcher reads ends a little after now, so deliveries recovered now are inside it.
      until: until === '' ? new Date(Date.now() + 60_000).toISOString() : new Date(until).toISOString(),
    };
    setProgress({ state: 'recovering' });
    try {
      const body = until === '' ? { since: range.since } : range;
      const result = await api.post<{ recovered: number }>(`/v1/endpoints/${endpointId}/recover`, body);
      setWatched(range);
      setProgress(
        result.recovered === 0
          ? { state: 'done', recovered: 0, failedAgain: 0, waiting: 0 }
          : { state: 'delivering', recovered: result.recovered, waiting: result.recovered },
      );
      onChanged();
    } catch (failure) {
      setError(toApiError(failure));
      setProgress({ state: 'idle' });
    }
  };

  const busy = progress.state === 'recovering' || progress.state === 'delivering';
  return (
    <section class="card panel" aria-labelledby="recover-title">
      <h2 id="recover-title">Recover failed deliveries</h2>
      <p class="muted">
        Puts the failed and exhausted deliveries created in this window back in the queue; they are sent again
        at once (enable the endpoint first if it is disabled).
      </p>
      <form class="inline-form" onSubmit={recover}>
        <div>
          <label for="recover-since">From</label>
          <input
            id="recover-since"
            type="datetime-local"
            required
            value={since}
            onInput={(e) => setSince((e.target as HTMLInputElement).value)}
          />
        </div>
        <div>
          <label for="recover-until">Until (empty: now)</label>
          <input
            id="recover-until"
            type="datetime-local"
            value={until}
            onInput={(e) => setUntil((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button button-primary" disabled={busy || since === ''}>
            {progress.state === 'recovering' ? 'Recovering…' : 'Recover'}
          </button>
        </div>
      </form>
      <ErrorBanner error={error} />
      <div role="status" aria-live="polite" data-testid="recover-status">
        {progress.state === 'recovering' ? <progress aria-label="Recovering" /> : null}
        {progress.state === 'delivering' ? (
          <>
            <progress
              aria-label="Recovered deliveries sent"
              max={progress.recovered}
              value={progress.recovered - progress.waiting}
            />
            <p>
              {progress.recovered} recovered; sending… {progress.waiting} still pending.
            </p>
          </>
        ) : null}
        {progress.state === 'done' ? (
          <p>
            Done: {progress.recovered} {progress.recovered === 1 ? 'delivery' : 'deliveries'} recovered
            {progress.recovered > 0
              ? `; ${Math.max(0, progress.recovered - progress.failedAgain - progress.waiting)} delivered, ${progress.failedAgain} failed again${progress.waiting > 0 ? `, ${progress.waiting} still pending` : ''}.`
              : ' (nothing had failed in this window).'}
          </p>
        ) : null}
      </div>
    </section>
  );
}

/** `YYYY-MM-DDTHH:mm` in the viewer's zone, the value format of datetime-local inputs. */
function localInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

import { useApi } from '../api/api-context.ts';
import type { OverviewStats } from '../api/health-types.ts';
import type { Endpoint, MessageSummary, Page } from '../api/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FailingNow } from '../components/failing-now.tsx';
import { formatCount, formatLatency, formatPercent } from '../components/figures.ts';
import { GettingStarted } from '../components/getting-started.tsx';
import { Loading } from '../components/loading.tsx';
import { TimeChart } from '../components/time-chart.tsx';
import { WindowToggle, windowOf } from '../components/window-toggle.tsx';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { useLoad } from '../hooks/use-load.ts';
import { navigate, type Route } from '../router.ts';
import '../pages.css';

/**
 * Overview: messages received and delivered, success rate and p95 latency over the last hour or day, and
 * what is failing now. A new install (no message, no endpoint) gets the getting-started steps instead.
 */
export function OverviewPage({ route }: { route: Route }) {
  const api = useApi();
  const capabilities = useCapabilities();
  const statsWindow = windowOf(route.query);
  const stats = useLoad(
    () => api.get<OverviewStats>('/v1/stats/overview', { window: statsWindow }),
    [statsWindow],
  );
  const fresh = useLoad(async () => {
    const [messages, endpoints] = await Promise.all([
      api.get<Page<MessageSummary>>('/v1/messages', { limit: 1 }),
      api.get<Page<Endpoint>>('/v1/endpoints', { limit: 1 }),
    ]);
    return messages.data.length === 0 && endpoints.data.length === 0;
  }, []);

  const head = (
    <div class="page-head">
      <h1>Overview</h1>
      <WindowToggle value={statsWindow} onChange={(next) => navigate('/', { window: next }, true)} />
    </div>
  );
  if (fresh.data === true) {
    return (
      <section>
        {head}
        <GettingStarted canCreate={capabilities?.admin === true} />
      </section>
    );
  }
  if (stats.data === null) {
    return (
      <section>
        {head}
        {stats.error ? <ErrorBanner error={stats.error} /> : <Loading what="Loading figures" />}
      </section>
    );
  }
  const { totals, buckets } = stats.data;
  const span = statsWindow === '1h' ? 'the last hour' : 'the last day';
  const starts = buckets.map((bucket) => bucket.start);
  const rates = buckets.map((b) =>
    b.succeeded + b.failed === 0 ? null : b.succeeded / (b.succeeded + b.failed),
  );
  return (
    <section>
      {head}
      <ErrorBanner error={stats.error} />
      <dl class="figures" aria-label={`Totals over ${span}`}>
        <Figure label="Messages received" value={formatCount(totals.messages)} />
        <Figure label="Delivered" value={formatCount(totals.succeeded)} />
        <Figure
          label="Failed attempts"
          value={formatCount(totals.failed)}
          tone={totals.failed > 0 ? 'bad' : undefined}
        />
        <Figure label="Success rate" value={formatPercent(totals.successRate)} />
        <Figure label="p95 delivery latency" value={formatLatency(totals.p95DurationMs)} />
      </dl>
      <div class="charts">
        <TimeChart
          title="Messages received and delivered"
          description={`Over ${span}: ${formatCount(totals.messages)} messages received, ${formatCount(totals.succeeded)} delivered, ${formatCount(totals.failed)} failed attempts.`}
          kind="bars"
          starts={starts}
          series={[
            { label: 'Received', values: buckets.map((b) => b.messages), tone: 'accent' },
            { label: 'Delivered', values: buckets.map((b) => b.succeeded), tone: 'ok' },
            { label: 'Failed', values: buckets.map((b) => b.failed), tone: 'bad' },
          ]}
          format={formatCount}
        />
        <TimeChart
          title="Success rate"
          description={`Success rate of delivery attempts over ${span}: ${formatPercent(totals.successRate)}.`}
          kind="line"
          starts={starts}
          series={[{ label: 'Success rate', values: rates, tone: 'ok' }]}
          format={(value) => formatPercent(value)}
          max={1}
        />
        <TimeChart
          title="p95 delivery latency"
          description={`95th percentile duration of delivery attempts over ${span}: ${formatLatency(totals.p95DurationMs)}.`}
          kind="line"
          starts={starts}
          series={[{ label: 'p95 latency', values: buckets.map((b) => b.p95DurationMs), tone: 'accent' }]}
          format={(value) => formatLatency(value)}
        />
      </div>
      <FailingNow endpoints={stats.data.failingEndpoints} sources={stats.data.failingSources} />
    </section>
  );
}

function Figure({ label, value, tone }: { label: string; value: string; tone?: 'bad' | undefined }) {
  return (
    <div class={tone === 'bad' ? 'figure figure-bad' : 'figure'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

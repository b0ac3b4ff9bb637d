import { IdText } from '../components/id-text.tsx';
import type { Route } from '../router.ts';

/** One endpoint: placeholder, filled by the pages task (issue #7). */
export function EndpointPage({ id }: { id: string; route: Route }) {
  return (
    <section>
      <h1>
        Endpoint <IdText id={id} />
      </h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

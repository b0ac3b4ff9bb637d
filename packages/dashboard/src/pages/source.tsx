import { IdText } from '../components/id-text.tsx';
import type { Route } from '../router.ts';

/** One source: placeholder, filled by the pages task (issue #7). */
export function SourcePage({ id }: { id: string; route: Route }) {
  return (
    <section>
      <h1>
        Source <IdText id={id} />
      </h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

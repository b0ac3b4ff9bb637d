import { IdText } from '../components/id-text.tsx';
import type { Route } from '../router.ts';

/** One message: placeholder, filled by the pages task (issue #7). */
export function MessagePage({ id }: { id: string; route: Route }) {
  return (
    <section>
      <h1>
        Message <IdText id={id} />
      </h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

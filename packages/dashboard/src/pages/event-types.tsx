import type { Route } from '../router.ts';

/** Event types: placeholder, filled by the pages task (issue #7). */
export function EventTypesPage(_props: { route: Route }) {
  return (
    <section>
      <h1>Event types</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

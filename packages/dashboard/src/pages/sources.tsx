import type { Route } from '../router.ts';

/** Sources: placeholder, filled by the pages task (issue #7). */
export function SourcesPage(_props: { route: Route }) {
  return (
    <section>
      <h1>Sources</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

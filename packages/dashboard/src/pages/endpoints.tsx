import type { Route } from '../router.ts';

/** Endpoints: placeholder, filled by the pages task (issue #7). */
export function EndpointsPage(_props: { route: Route }) {
  return (
    <section>
      <h1>Endpoints</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

import type { Route } from '../router.ts';

/** Overview: placeholder, filled by the pages task (issue #7). */
export function OverviewPage(_props: { route: Route }) {
  return (
    <section>
      <h1>Overview</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

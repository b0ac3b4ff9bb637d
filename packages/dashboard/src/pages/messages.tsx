import type { Route } from '../router.ts';

/** Messages: placeholder, filled next. */
export function MessagesPage(_props: { route: Route }) {
  return (
    <section>
      <h1>Messages</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}

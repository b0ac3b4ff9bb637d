import type { ComponentChildren } from 'preact';

/** What a newcomer sees instead of an empty table: what this is and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <section class="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

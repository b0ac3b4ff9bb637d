/** A polite loading line (announced to screen readers, no spinner animation to distract). */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what}…
    </p>
  );
}

/** A resource id in monospace, shortened in the middle on narrow screens but complete for copy and readers. */
export function IdText({ id }: { id: string }) {
  return (
    <code class="id" title={id}>
      {id}
    </code>
  );
}

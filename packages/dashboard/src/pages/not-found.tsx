export function NotFoundPage({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <a href="#/">Go to the overview</a>.
      </p>
    </section>
  );
}

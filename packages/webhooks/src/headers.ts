/** Request headers as the web platform (`Headers`) or Node (`IncomingHttpHeaders`) gives them. */
export type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The value of a header, case-insensitively, or `undefined` when absent. Repeated headers (a Node array)
 * are joined with `, ` as the Fetch standard joins them, so both inputs read the same.
 */
export function getHeader(headers: HeadersInput, name: string): string | undefined {
  const lower = name.toLowerCase();
  // Duck-typed rather than `instanceof Headers`: a Headers object from another realm or polyfill counts too.
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as Headers).get(lower) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[lower];
  if (value === undefined) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Renders rows as aligned columns for people; `--json` output bypasses this. */
export function renderTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '-';
    if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(',');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };
  const cells = rows.map((row) => columns.map((column) => cell(at(row, column))));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((column) => column.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

/**
 * One resource as `key  value` lines, every field (including a secret shown only once); strings as they
 * are, anything else as JSON.
 */
export function renderFields(fields: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(fields).map((key) => key.length));
  return Object.entries(fields)
    .map(
      ([key, value]) =>
        `${key.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
    )
    .join('');
}

/** `a.b` reads nested fields (a source's `verification.scheme`). */
function at(row: Record<string, unknown>, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

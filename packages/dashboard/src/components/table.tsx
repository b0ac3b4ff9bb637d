import type { ComponentChildren } from 'preact';

export interface Column<T> {
  /** Header text; also the label each cell carries on narrow screens (see styles.css). */
  title: string;
  render(row: T): ComponentChildren;
  className?: string;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey(row: T): string;
  /** Accessible name of the table. */
  caption: string;
  /** Rows to highlight (for example just-arrived live messages). */
  highlight?: (row: T) => boolean;
}

/**
 * A data table that stays a real <table> for screen readers; on a phone each row becomes a card whose
 * cells show their column title (data-label), instead of a table wider than the screen.
 */
export function Table<T>({ columns, rows, rowKey, caption, highlight }: TableProps<T>) {
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.title} class={column.className}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} class={highlight?.(row) ? 'row-new' : undefined}>
              {columns.map((column) => (
                <td key={column.title} data-label={column.title} class={column.className}>
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { SqliteContext } from './context.ts';

export function getMeta(ctx: SqliteContext, key: string): string | null {
  const row = ctx.stmt('SELECT value FROM meta WHERE key = ?').get(key);
  return row ? String(row.value) : null;
}

export function setMeta(ctx: SqliteContext, key: string, value: string): Promise<void> {
  return ctx.queue.enqueue(1, () => {
    ctx
      .stmt(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  });
}

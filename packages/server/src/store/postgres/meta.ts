import type { PostgresContext } from './context.ts';

export async function getMeta(ctx: PostgresContext, key: string): Promise<string | null> {
  const [row] = await ctx.db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
  return row?.value ?? null;
}

export async function setMeta(ctx: PostgresContext, key: string, value: string): Promise<void> {
  await ctx.db.query(
    'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
    [key, value],
  );
}

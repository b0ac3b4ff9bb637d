import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './cli-errors.ts';

/** Where `listen` keeps its cursor: `--state FILE`, else one file per server+filters under ~/.hookline. */
export function cursorFilePath(explicit: string | undefined, key: readonly (string | undefined)[]): string {
  if (explicit) return explicit;
  const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
  return join(homedir(), '.hookline', `listen-${digest}.json`);
}

/** The last message id handled, or null on a first run. */
export function readCursor(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read the cursor file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const parsed = JSON.parse(text) as { lastEventId?: unknown };
  if (typeof parsed.lastEventId !== 'string')
    throw new UsageError(`${path} holds no lastEventId: delete it to start from now`);
  return parsed.lastEventId;
}

/** Writes the cursor atomically (temp file + rename), so a crash mid-write never leaves a torn file. */
export function writeCursor(path: string, lastEventId: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ lastEventId })}\n`);
  renameSync(temp, path);
}

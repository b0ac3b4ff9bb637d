import { readFileSync } from 'node:fs';
import { UsageError } from './cli-errors.ts';

/** `--data '{"a":1}'` or `--data @file.json`: the raw text, as curl takes it. */
export function readDataFlag(value: string): string {
  if (!value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** `--data` parsed as a JSON object (request bodies of the management API). */
export function readJsonObject(value: string): Record<string, unknown> {
  const text = readDataFlag(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--data must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

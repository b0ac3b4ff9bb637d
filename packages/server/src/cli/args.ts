import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors.ts';

/** One flag as `parseArgs` takes it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flags (string, string[] or boolean) and the positional arguments. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Flags every command accepts. */
export const COMMON_FLAGS: FlagSpecs = { help: { type: 'boolean', short: 'h' } };

/**
 * Strict parse: an unknown flag is a usage error (exit 2) rather than silently ignored, because a
 * mistyped `--secret` would otherwise send an unsigned request.
 */
export function parseCommandArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...COMMON_FLAGS, ...specs },
      allowPositionals: true,
      strict: true,
    });
    return { flags: values as ParsedArgs['flags'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string flag's value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string flag's values (empty when absent). */
export function listFlag(args: ParsedArgs, name: string): string[] {
  const value = args.flags[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** A string flag that must be present. */
export function requireFlag(args: ParsedArgs, name: string): string {
  const value = stringFlag(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

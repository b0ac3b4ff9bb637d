import type { CliIo } from './cli-io.ts';

/** One `hookline <name>` command. */
export interface Command {
  name: string;
  aliases?: readonly string[];
  /** One line for the top-level help. */
  summary: string;
  /** Full `--help` text, with examples. */
  help: string;
  /** Returns the exit code; throws UsageError (2) or CliFailure (1) for expected failures. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

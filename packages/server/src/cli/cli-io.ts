import { UsageError } from './cli-errors.ts';

/** Where a command writes and what it knows about the terminal; injected so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Colours are used only when stdout is a TTY and NO_COLOR is unset. */
  color: boolean;
  /** Raw stdin, for `verify` reading a saved request. */
  stdin(): Promise<Buffer>;
}

/** The process's own streams. */
export function processIo(): CliIo {
  const env = process.env;
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env,
    color: Boolean(process.stdout.isTTY) && env.NO_COLOR === undefined,
    stdin: async () => {
      // Waiting on a terminal would look like a hang: say how to give the request instead.
      if (process.stdin.isTTY) {
        throw new UsageError(
          'no request given: pass --headers FILE --body FILE, or pipe the raw request on stdin',
        );
      }
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

/** ANSI colour for one span, or the text as is when colours are off. */
export function paint(io: CliIo, code: 'red' | 'green' | 'yellow' | 'dim' | 'bold', text: string): string {
  if (!io.color) return text;
  const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
  return `\u001b[${codes[code]}m${text}\u001b[0m`;
}

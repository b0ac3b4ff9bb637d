/** Exit codes every command uses (documented in docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Wrong flags or arguments: exit 2, with a hint on what to type instead. */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and failed (server said no, request refused, signature invalid): exit 1. */
export class CliFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CliFailure';
    this.code = code;
  }
}

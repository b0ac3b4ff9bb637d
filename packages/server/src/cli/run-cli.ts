import { CliFailure, EXIT, UsageError } from './cli-errors.ts';
import { type CliIo, paint } from './cli-io.ts';
import { COMMANDS, findCommand } from './commands.ts';

/** Top-level help: every command with its one-line summary. */
export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: hookline <command> [flags]

Commands:
${lines.join('\n')}

Run \`hookline <command> --help\` for a command's flags and examples.
Exit codes: 0 ok, 1 failure, 2 usage error.

Examples:
  hookline serve --dev
  hookline endpoints list --api-key hk_…
  hookline send http://127.0.0.1:3000/webhooks --scheme standard-webhooks --secret whsec_… --data @event.json
`;
}

/** Runs one command line and returns the exit code; never calls process.exit (serve keeps running). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    io.out(target ? target.help : topLevelHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out('hookline 0.1.0\n');
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`${paint(io, 'red', 'error:')} unknown command "${name}"\n\n${topLevelHelp()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `${paint(io, 'red', 'error:')} ${error.message}\nRun \`hookline ${command.name} --help\` for usage.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof CliFailure) {
      io.err(`${paint(io, 'red', 'error:')} ${error.message}\n`);
      return EXIT.failure;
    }
    io.err(`${paint(io, 'red', 'error:')} ${(error as Error).stack ?? error}\n`);
    return EXIT.failure;
  }
}

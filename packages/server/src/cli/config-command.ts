import { maskConfig } from '../config.ts';
import { loadConfig } from '../load-config.ts';
import { UsageError } from './cli-errors.ts';
import type { Command } from './command.ts';

/** `hookline config`: the effective configuration after file, env and flags, secrets masked. */
export const configCommand: Command = {
  name: 'config',
  summary: 'Print the effective configuration (secrets masked)',
  help: `Usage: hookline config [--json] [--<option> V …]

Prints the configuration \`hookline serve\` would run with, from defaults, hookline.config.json,
HOOKLINE_* variables and the flags given here (in that order of precedence), and where each value came from.
Secret options are shown as ********.

Examples:
  hookline config
  HOOKLINE_PORT=9000 hookline config --dev --json
`,
  async run(argv, io) {
    const json = argv.includes('--json');
    const rest = argv.filter((arg) => arg !== '--json');
    const loaded = loadConfig({ argv: rest, env: io.env, cwd: process.cwd() });
    if (!loaded.ok) throw new UsageError(`invalid configuration:\n  ${loaded.errors.join('\n  ')}`);
    const masked = maskConfig(loaded.config);
    if (json) {
      io.out(`${JSON.stringify(masked, null, 2)}\n`);
      return 0;
    }
    if (loaded.configFile) io.out(`# config file: ${loaded.configFile}\n`);
    const width = Math.max(...Object.keys(masked).map((key) => key.length));
    for (const [key, value] of Object.entries(masked)) {
      const layer = loaded.layers[key as keyof typeof loaded.layers];
      io.out(`${key.padEnd(width)}  ${JSON.stringify(value)}${layer === 'default' ? '' : `  (${layer})`}\n`);
    }
    return 0;
  },
};

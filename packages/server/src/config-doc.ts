import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS, CONFIG_OPTIONS, type ConfigKey, envName, flagName } from './config.ts';
import { formatDurationMs } from './config-parsers.ts';
import { DEFAULT_CONFIG_FILE } from './load-config.ts';

/** Where the generated reference lives, relative to this file. */
export const CONFIG_DOC_URL = new URL('../../../docs/config.md', import.meta.url);

/**
 * Renders `docs/config.md` from `CONFIG_OPTIONS`, so the reference cannot drift from the code
 * (`config-doc.test.ts` compares). Regenerate: `node packages/server/src/config-doc.ts`.
 */
export function renderConfigDoc(): string {
  const rows = CONFIG_KEYS.map(
    (key) =>
      `| \`${key}\` | \`${flagName(key)}\` | \`${envName(key)}\` | ${escapeCell(defaultText(key))} | ${escapeCell(CONFIG_OPTIONS[key].doc)} |`,
  );
  return `<!-- Generated from packages/server/src/config.ts by config-doc.ts: do not edit by hand. -->
# Configuration

Every option can be set in three places; the first that sets it wins:

1. a command-line flag (\`--port 9000\`, \`--port=9000\`; booleans as \`--dev\` or \`--no-dev\`),
2. an environment variable (\`HOOKLINE_PORT=9000\`),
3. the JSON config file \`${DEFAULT_CONFIG_FILE}\` in the working directory (or the file named by
   \`--config\` / \`HOOKLINE_CONFIG\`), with the option names below as keys (\`{"port": 9000}\`).

Durations accept milliseconds (\`1500\`) or a unit (\`500ms\`, \`15s\`, \`5m\`, \`2h\`, \`7d\`); lists are
comma-separated in flags and env vars and JSON arrays in the file. Invalid or unknown options stop the
server with one line per problem.

| option | flag | environment | default | meaning |
|---|---|---|---|---|
${rows.join('\n')}
`;
}

function defaultText(key: ConfigKey): string {
  const spec = CONFIG_OPTIONS[key];
  if (spec.defaultText !== undefined) return `\`${spec.defaultText}\``;
  const value = spec.default;
  if (value === null) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : `\`${value.join(',')}\``;
  if (typeof value === 'number' && key.endsWith('Ms')) return `\`${formatDurationMs(value)}\``;
  return `\`${String(value)}\``;
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

/**
 * Markdown with table padding removed: Biome aligns table columns in `docs/*.md`, so the committed
 * file is compared with the rendering modulo that alignment.
 */
export function normaliseMarkdownTables(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => (/^\s*-+\s*$/.test(cell) ? '---' : cell.trim()))
            .join('|')
        : line,
    )
    .join('\n');
}

if (import.meta.main) {
  const path = fileURLToPath(CONFIG_DOC_URL);
  await writeFile(path, renderConfigDoc());
  // Align the table the way `npm run lint` (Biome) expects, so the generated file passes the linter.
  execFileSync(
    fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url)),
    ['format', '--write', path],
    {
      stdio: 'ignore',
    },
  );
  process.stdout.write(`wrote ${path}\n`);
}

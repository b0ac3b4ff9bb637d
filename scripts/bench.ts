// Runs every `packages/*/bench/*.bench.ts` in its own process (so one benchmark's heap and pools never
// skew the next) and prints one JSON document with all their figures. Each benchmark prints its own
// JSON object as the last line of its stdout and compares against a baseline measured in the same run.
// Usage: npm run bench [-- name-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);
const files: string[] = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'bench');
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    continue;
  }
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.bench.ts')) continue;
    const path = join('packages', pkg, 'bench', entry);
    if (filters.length === 0 || filters.some((f) => path.includes(f))) files.push(path);
  }
}

const results: Record<string, unknown> = {};
let failed = false;
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const run = spawnSync(process.execPath, [file], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    results[file] = JSON.parse(last);
  } catch {
    results[file] = { error: `exit ${run.status}: no JSON on the last line of stdout` };
    failed = true;
  }
  if (run.status !== 0) failed = true;
}
process.stdout.write(`${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
process.exitCode = failed ? 1 : 0;

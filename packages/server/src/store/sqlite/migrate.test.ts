import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { migrationFiles } from './migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let children = 0;

function migrateInChild(path: string): Promise<string[]> {
  const factory = pathToFileURL(join(import.meta.dirname, 'create-sqlite-store.ts')).href;
  const script = `
    const { createSqliteStore } = await import(${JSON.stringify(factory)});
    const store = createSqliteStore({ path: ${JSON.stringify(path)}, deps: { clock: Date.now, newId: (p) => p } });
    const { applied } = await store.migrate().catch((e) => { console.error(e); process.exit(3); });
    await store.close();
    process.stdout.write(JSON.stringify(applied));`;
  // A script file, not `-e`: worker threads (the checkpointer) share the process's `--input-type` flag.
  const scriptPath = join(dir, `child-${children++}.mjs`);
  writeFileSync(scriptPath, script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [scriptPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`exit ${code}`)),
    );
  });
}

test('two processes migrating one file at once apply each migration exactly once', async () => {
  const path = join(dir, 'race.db');
  const [a, b] = await Promise.all([migrateInChild(path), migrateInChild(path)]);
  assert.deepEqual(
    [...(a ?? []), ...(b ?? [])].sort(),
    migrationFiles().map((m) => m.name),
  );
  assert.deepEqual(await migrateInChild(path), []);
});

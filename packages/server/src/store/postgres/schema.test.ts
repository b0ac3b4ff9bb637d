import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freshSchema, SCHEMA_PATH } from './dump-schema.ts';
import { pgSkip } from './test-database.ts';

test('the committed schema.sql matches the migrations', { skip: pgSkip }, async () => {
  assert.equal(
    readFileSync(SCHEMA_PATH, 'utf8'),
    await freshSchema(),
    'schema.sql drifted from migrations/: regenerate with `node_modules/.bin/node packages/server/src/store/postgres/dump-schema.ts`',
  );
});

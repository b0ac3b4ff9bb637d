import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ApiError, ERROR_CATALOG, fromStoreError, isErrorCode } from './errors.ts';
import { INGEST_ERROR_CATALOG } from './ingest/ingest-errors.ts';
import { StoreError } from './store/store-error.ts';

const DOC_URL = new URL('../../../docs/errors.md', import.meta.url);

test('docs/errors.md documents every catalog code with its status, and nothing else', async () => {
  const doc = await readFile(DOC_URL, 'utf8');
  const documented = new Map<string, number>();
  for (const match of doc.matchAll(/^## `([a-z_]+)` \((\d{3})\)$/gm)) {
    documented.set(match[1] ?? '', Number(match[2]));
  }
  const catalog = new Map(Object.entries(ERROR_CATALOG).map(([code, entry]) => [code, entry.status]));
  assert.deepEqual([...documented.entries()].sort(), [...catalog.entries()].sort());
});

test('every ingest error code is in the catalog with the same status', () => {
  for (const [code, entry] of Object.entries(INGEST_ERROR_CATALOG)) {
    assert.ok(isErrorCode(code), code);
    assert.equal(ERROR_CATALOG[code].status, entry.status, code);
  }
});

test('ApiError carries the catalog status and the error body shape', () => {
  const error = new ApiError('reserved_header', undefined, { details: { header: 'host' } });
  assert.equal(error.status, 400);
  assert.deepEqual(error.toBody(), {
    error: {
      code: 'reserved_header',
      message: ERROR_CATALOG.reserved_header.message,
      details: { header: 'host' },
    },
  });
  assert.deepEqual(new ApiError('not_found', 'no such endpoint').toBody(), {
    error: { code: 'not_found', message: 'no such endpoint' },
  });
});

test('store errors map to API errors; transient ones become 503 with Retry-After and no internals', () => {
  for (const code of ['unavailable', 'locked', 'disk_full', 'closed'] as const) {
    const mapped = fromStoreError(new StoreError(code, '/secret/path/hookline.db is busy'));
    assert.equal(mapped?.status, 503, code);
    assert.equal(mapped?.code, 'unavailable');
    assert.ok((mapped?.retryAfterSeconds ?? 0) > 0);
    assert.doesNotMatch(mapped?.message ?? '', /secret/);
  }
  assert.equal(fromStoreError(new StoreError('not_found', 'x'))?.status, 404);
  assert.equal(fromStoreError(new StoreError('invalid_cursor', 'x'))?.code, 'invalid_cursor');
  assert.equal(fromStoreError(new StoreError('value_too_large', 'x'))?.status, 413);
  assert.equal(fromStoreError(new Error('plain')), null);
});

test('isErrorCode accepts catalog codes only', () => {
  assert.equal(isErrorCode('conflict'), true);
  assert.equal(isErrorCode('toString'), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noneScheme } from './none.ts';

const body = '{"type":"ping"}';

test('none: accepts any raw body, refuses a parsed one, signs nothing', async () => {
  assert.deepEqual(await noneScheme.verify({ headers: {}, body }, {}), { ok: true });
  const parsed = await noneScheme.verify({ headers: {}, body: { type: 'ping' } }, {});
  assert.equal(parsed.ok ? 'ok' : parsed.code, 'body_not_raw');
  assert.deepEqual(await noneScheme.sign({ body }, {}), {});
  assert.deepEqual(noneScheme.describe({ headers: {}, body: '{"event":"x"}' }), { eventType: 'x' });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from './engines.ts';
import { newMessage } from './fixtures.ts';

// Time ranges over messages spaced wider than any slack an engine uses to turn times into id bounds
// (sqlite/list-messages.ts): the created_at bounds alone decide, exactly, on every page.
forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  test('since is inclusive and until exclusive to the millisecond, across pages', async () => {
    const { store, clock } = t;
    const ids: string[] = [];
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      times.push(clock.now());
      ids.push((await store.insertMessage(newMessage())).message.id);
      clock.advance(10 * 60_000);
    }
    const at = (i: number) => times[i] ?? 0;
    const list = async (since?: number, until?: number) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listMessages({
          limit: 2,
          cursor,
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
        });
        out.push(...page.data.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    const expect = (from: number, to: number) => ids.slice(from, to).reverse();
    assert.deepEqual(await list(at(2), at(6)), expect(2, 6));
    assert.deepEqual(await list(at(2) + 1, at(6) + 1), expect(3, 7));
    assert.deepEqual(await list(at(5)), expect(5, 8));
    assert.deepEqual(await list(undefined, at(3)), expect(0, 3));
    assert.deepEqual(await list(at(7) + 1), []);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elementSpans, memberSpan, valueSpan } from './raw-json-slice.ts';

const text = (bytes: Uint8Array, span: { start: number; end: number } | null) =>
  span === null ? null : Buffer.from(bytes.subarray(span.start, span.end)).toString('utf8');

test('slices the payload exactly as written, whatever its spelling', () => {
  const cases = [
    [
      '{"eventType":"a","payload":{"b" : 1.0, "c":[1,2,{"d":"}]\\"{"}]}}',
      '{"b" : 1.0, "c":[1,2,{"d":"}]\\"{"}]}',
    ],
    ['{ "payload" :\n "str\\u00e9 \\\\" , "x": 1 }', '"str\\u00e9 \\\\"'],
    ['{"payload":12.50e3}', '12.50e3'],
    ['{"payload":null}', 'null'],
    ['{"payload":[ ]}', '[ ]'],
    ['{"p\\u0061yload":{"é€😀":"ü"},"eventType":"x"}', '{"é€😀":"ü"}'],
    ['{"payload":1,"payload":{"last":true}}', '{"last":true}'],
  ] as const;
  for (const [input, expected] of cases) {
    const bytes = Buffer.from(input);
    assert.equal(text(bytes, memberSpan(bytes, 'payload', valueSpan(bytes, 0))), expected, input);
  }
});

test('absent keys and non-objects give null', () => {
  const bytes = Buffer.from('{"eventType":"a"}');
  assert.equal(memberSpan(bytes, 'payload', valueSpan(bytes, 0)), null);
  const array = Buffer.from('[1,2]');
  assert.equal(memberSpan(array, 'payload', valueSpan(array, 0)), null);
});

test('batch: every element of an array, nested payloads sliced per element', () => {
  const bytes = Buffer.from(
    '{"messages": [ {"payload":{"n":1}} ,{"eventType":"b","payload":[1, 2]}, {"payload":"x"}]}',
  );
  const messages = memberSpan(bytes, 'messages', valueSpan(bytes, 0));
  assert.ok(messages);
  const payloads = elementSpans(bytes, messages).map((element) =>
    text(bytes, memberSpan(bytes, 'payload', element)),
  );
  assert.deepEqual(payloads, ['{"n":1}', '[1, 2]', '"x"']);
  const empty = Buffer.from('{"messages":[]}');
  assert.deepEqual(
    elementSpans(empty, memberSpan(empty, 'messages', valueSpan(empty, 0)) ?? { start: 0, end: 0 }),
    [],
  );
});

test('deep nesting does not overflow the stack', () => {
  const depth = 100_000;
  const bytes = Buffer.from(`{"payload":${'['.repeat(depth)}${']'.repeat(depth)},"eventType":"x"}`);
  const span = memberSpan(bytes, 'payload', valueSpan(bytes, 0));
  assert.equal(span?.end, 11 + 2 * depth);
});

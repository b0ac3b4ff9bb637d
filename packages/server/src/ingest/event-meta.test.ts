import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTypeName } from '../api/schemas/common.ts';
import type { Source } from '../store/types.ts';
import { resolveEventType, toEventTypeName, UNKNOWN_EVENT_TYPE } from './event-meta.ts';

const NAME = new RegExp(eventTypeName.pattern);

test('a provider event type becomes an event type name: other characters are _, empty segments go', () => {
  const cases: [string, string | undefined][] = [
    ['invoice.paid', 'invoice.paid'],
    ['Push Hook', 'Push_Hook'],
    ['Merge Request Hook', 'Merge_Request_Hook'],
    ['repo:push', 'repo:push'],
    ['orders/create', 'orders/create'],
    ['jira:issue_updated', 'jira:issue_updated'],
    ['pédido.criado', 'p_dido.criado'],
    ['a..b', 'a.b'],
    ['.x.', 'x'],
    ['a.*.b', 'a._.b'],
    ['a, b;c', 'a_b_c'],
    ['...', undefined],
  ];
  for (const [value, expected] of cases) {
    const name = toEventTypeName(value);
    assert.equal(name, expected, value);
    if (name !== undefined) assert.match(name, NAME, value);
  }
});

test('every rule goes through it; what is empty, too long or holds control characters is unknown', () => {
  const source = (eventTypeRule: Source['eventTypeRule']) => ({ eventTypeRule }) as Source;
  const input = (header: string | undefined, json: unknown) => ({
    header: (name: string) => (name === 'x-gitlab-event' ? header : undefined),
    json,
    description: { eventType: 'Note Hook', id: undefined } as never,
    verifiedId: undefined,
  });
  const byHeader = source({ kind: 'header', name: 'x-gitlab-event' });
  assert.equal(resolveEventType(byHeader, input('Push Hook', null)), 'Push_Hook');
  assert.equal(resolveEventType(byHeader, input(' . ', null)), UNKNOWN_EVENT_TYPE);
  assert.equal(resolveEventType(byHeader, input('a\u0000b', null)), UNKNOWN_EVENT_TYPE);
  assert.equal(resolveEventType(byHeader, input('x'.repeat(257), null)), UNKNOWN_EVENT_TYPE);
  assert.equal(resolveEventType(source({ kind: 'provider' }), input(undefined, null)), 'Note_Hook');
  const byPointer = source({ kind: 'pointer', pointer: '/event' });
  assert.equal(resolveEventType(byPointer, input(undefined, { event: 'order created' })), 'order_created');
  assert.equal(resolveEventType(byPointer, input(undefined, { event: 42 })), '42');
});

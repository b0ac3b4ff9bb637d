/**
 * Event-type patterns for endpoint subscriptions. Segments are separated by dots; a `*` segment
 * matches exactly one segment, except as the last segment, where it matches one or more, so
 * `invoice.*` receives `invoice.paid` and `invoice.payment.failed` but not `invoice` itself;
 * `*.created` receives `user.created` but not `user.admin.created`; `*` alone receives everything.
 */

const MAX_PATTERN_LENGTH = 256;
// The characters of event type names (api/schemas/common.ts `eventTypeName`) minus the dot: any other
// character could never match a published type, so such a pattern would silently receive nothing.
const SEGMENT = /^[A-Za-z0-9_:/-]+$/;

export type PatternValidation = { ok: true } | { ok: false; message: string };

/** Save-time check of one pattern, with a message naming what is wrong. */
export function validateEventTypePattern(pattern: string): PatternValidation {
  if (pattern.length === 0) return { ok: false, message: 'event type pattern is empty' };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `event type pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  for (const segment of pattern.split('.')) {
    if (segment === '*') continue;
    if (segment === '') return { ok: false, message: `event type pattern "${pattern}" has an empty segment` };
    if (!SEGMENT.test(segment)) {
      return {
        ok: false,
        message: `event type pattern "${pattern}": segment "${printable(segment)}" must be "*" or only letters, digits and "_ : / -" (no "*" inside a segment, no spaces or other characters)`,
      };
    }
  }
  return { ok: true };
}

/** True when `eventType` matches `pattern` (see the module comment for the wildcard rules). */
export function eventTypeMatches(pattern: string, eventType: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === eventType;
  const want = pattern.split('.');
  const have = eventType.split('.');
  const last = want.length - 1;
  const open = want[last] === '*';
  if (open ? have.length < want.length : have.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) {
    if (i === last && open) return (have[i] ?? '') !== '';
    const segment = want[i];
    if (segment !== '*' && segment !== have[i]) return false;
    if (segment === '*' && (have[i] ?? '') === '') return false;
  }
  return true;
}

/** An endpoint's filter: null subscribes to every event type, otherwise any pattern may match. */
export function eventTypesMatch(patterns: readonly string[] | null, eventType: string): boolean {
  if (patterns === null) return true;
  for (const pattern of patterns) if (eventTypeMatches(pattern, eventType)) return true;
  return false;
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

import type { Json } from '../store/types.ts';

/**
 * JSON payload filters on endpoints, in a MongoDB-like shape:
 *
 * ```json
 * { "data.amount": { "$gte": 100 }, "type": "card", "$or": [{ "tags": "vip" }, { "data.country": { "$in": ["FR", "DE"] } }] }
 * ```
 *
 * Keys are dotted paths into the payload (numeric segments index arrays) or `$or` / `$and`; all keys
 * of a document must hold. A value is either an operator object (`$eq $neq $in $nin $gt $gte $lt $lte
 * $exists`) or a literal meaning `$eq`. Equality is deep; when the payload value is an array and the
 * operand is not, any element may be equal (`{ "tags": "vip" }`). `$neq` and `$nin` also match a
 * missing value; ordering operators compare numbers with numbers and strings with strings only.
 * Paths only follow a payload's own properties, so `__proto__` or `constructor` never reach a prototype.
 */

/** Limits checked at save time so evaluation work stays bounded. */
export const PAYLOAD_FILTER_LIMITS = {
  maxDepth: 8,
  maxNodes: 512,
  maxPathSegments: 16,
  maxPathLength: 256,
  maxInValues: 256,
};

export type FilterValidation = { ok: true } | { ok: false; path: string; message: string };

type Predicate = (payload: unknown) => boolean;

const COMPARISONS = new Set(['$gt', '$gte', '$lt', '$lte']);
const OPERATORS = new Set(['$eq', '$neq', '$in', '$nin', '$exists', ...COMPARISONS]);

/** Save-time validation; on failure `path` locates the offending part (`$or[1].data.amount.$gt`). */
export function validatePayloadFilter(filter: unknown): FilterValidation {
  const compiled = compile(filter);
  return compiled.ok ? { ok: true } : compiled;
}

const cache = new WeakMap<object, Predicate | null>();

/**
 * True when `payload` satisfies `filter`; a null filter matches everything. Never throws: an invalid
 * filter (which save-time validation refuses) matches nothing. Compiled filters are cached per filter
 * object, so keep passing the same object (the router does).
 */
export function matchesPayloadFilter(filter: Json | null, payload: unknown): boolean {
  if (filter === null) return true;
  if (typeof filter !== 'object') return false;
  let predicate = cache.get(filter);
  if (predicate === undefined) {
    const compiled = compile(filter);
    predicate = compiled.ok ? compiled.predicate : null;
    cache.set(filter, predicate);
  }
  if (predicate === null) return false;
  try {
    return predicate(payload);
  } catch {
    return false;
  }
}

type Compiled = { ok: true; predicate: Predicate } | { ok: false; path: string; message: string };

function compile(filter: unknown): Compiled {
  const budget = { nodes: 0 };
  return compileDocument(filter, '', 0, budget);
}

function compileDocument(doc: unknown, at: string, depth: number, budget: { nodes: number }): Compiled {
  if (!isPlainObject(doc)) return error(at, 'a filter must be a JSON object');
  if (depth > PAYLOAD_FILTER_LIMITS.maxDepth) {
    return error(at, `filter nests deeper than ${PAYLOAD_FILTER_LIMITS.maxDepth} levels`);
  }
  const parts: Predicate[] = [];
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    const here = join(at, key);
    if (++budget.nodes > PAYLOAD_FILTER_LIMITS.maxNodes) {
      return error(here, `filter has more than ${PAYLOAD_FILTER_LIMITS.maxNodes} conditions`);
    }
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(value) || value.length === 0)
        return error(here, `${key} takes a non-empty array of filters`);
      const branches: Predicate[] = [];
      for (let i = 0; i < value.length; i++) {
        const branch = compileDocument(value[i], `${here}[${i}]`, depth + 1, budget);
        if (!branch.ok) return branch;
        branches.push(branch.predicate);
      }
      parts.push(key === '$or' ? (p) => branches.some((b) => b(p)) : (p) => branches.every((b) => b(p)));
      continue;
    }
    if (key.startsWith('$'))
      return error(here, `unknown operator ${key} at the top of a filter (use $or or $and)`);
    const segments = parsePath(key);
    if (typeof segments === 'string') return error(here, segments);
    const condition = compileCondition(value, here, budget);
    if (!condition.ok) return condition;
    const test = condition.predicate;
    parts.push((payload) => test(resolve(payload, segments)));
  }
  return { ok: true, predicate: (payload) => parts.every((part) => part(payload)) };
}

const MISSING = Symbol('missing');
type Value = unknown | typeof MISSING;

function compileCondition(value: unknown, at: string, budget: { nodes: number }): Compiled {
  const literal = checkLiteral(value, at, budget);
  if (literal !== null) return literal;
  if (!isPlainObject(value) || !Object.keys(value).some((k) => k.startsWith('$'))) {
    return { ok: true, predicate: (v) => equalsOrContains(v, value) };
  }
  const keys = Object.keys(value);
  if (!keys.every((k) => k.startsWith('$'))) {
    return error(at, 'an operator object cannot mix $operators and plain keys');
  }
  const tests: Predicate[] = [];
  for (const op of keys) {
    const operand = value[op];
    const here = `${at}.${op}`;
    if (!OPERATORS.has(op)) return error(here, `unknown operator ${op}`);
    if (op === '$eq') tests.push((v) => equalsOrContains(v, operand));
    else if (op === '$neq') tests.push((v) => !equalsOrContains(v, operand));
    else if (op === '$in' || op === '$nin') {
      if (!Array.isArray(operand)) return error(here, `${op} takes an array`);
      if (operand.length > PAYLOAD_FILTER_LIMITS.maxInValues) {
        return error(here, `${op} takes at most ${PAYLOAD_FILTER_LIMITS.maxInValues} values`);
      }
      budget.nodes += operand.length;
      const any = (v: Value) => operand.some((candidate) => equalsOrContains(v, candidate));
      tests.push(op === '$in' ? any : (v) => !any(v));
    } else if (op === '$exists') {
      if (typeof operand !== 'boolean') return error(here, '$exists takes true or false');
      tests.push((v) => (v !== MISSING) === operand);
    } else {
      if (typeof operand !== 'number' && typeof operand !== 'string') {
        return error(here, `${op} takes a number or a string`);
      }
      tests.push((v) => compare(op, v, operand));
    }
  }
  if (budget.nodes > PAYLOAD_FILTER_LIMITS.maxNodes) {
    return error(at, `filter has more than ${PAYLOAD_FILTER_LIMITS.maxNodes} conditions`);
  }
  return { ok: true, predicate: (v) => tests.every((t) => t(v)) };
}

/** Literal operands must be JSON and no deeper than the depth limit; null when fine. */
function checkLiteral(value: unknown, at: string, budget: { nodes: number }): Compiled | null {
  const walk = (v: unknown, depth: number): string | null => {
    if (depth > PAYLOAD_FILTER_LIMITS.maxDepth * 2) return 'value nests too deeply';
    if (++budget.nodes > PAYLOAD_FILTER_LIMITS.maxNodes * 4) return 'filter is too large';
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : 'numbers must be finite';
    if (Array.isArray(v)) {
      for (const item of v) {
        const problem = walk(item, depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    if (isPlainObject(v)) {
      for (const key of Object.keys(v)) {
        const problem = walk(v[key], depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    return 'values must be JSON';
  };
  const problem = walk(value, 0);
  return problem === null ? null : error(at, problem);
}

function parsePath(key: string): string[] | string {
  if (key.length > PAYLOAD_FILTER_LIMITS.maxPathLength) {
    return `path is longer than ${PAYLOAD_FILTER_LIMITS.maxPathLength} characters`;
  }
  const segments = key.split('.');
  if (segments.length > PAYLOAD_FILTER_LIMITS.maxPathSegments) {
    return `path has more than ${PAYLOAD_FILTER_LIMITS.maxPathSegments} segments`;
  }
  if (segments.some((s) => s === '')) return 'path has an empty segment';
  return segments;
}

function resolve(payload: unknown, segments: string[]): Value {
  let current: unknown = payload;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (index >= current.length) return MISSING;
      current = current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return MISSING;
    }
  }
  return current;
}

function equalsOrContains(value: Value, operand: unknown): boolean {
  if (value === MISSING) return false;
  if (deepEqual(value, operand, 0)) return true;
  return Array.isArray(value) && !Array.isArray(operand) && value.some((item) => deepEqual(item, operand, 0));
}

function deepEqual(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  // Operands are depth-checked at compile time; this guards the payload side of the walk.
  if (depth > 64 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i], depth + 1));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(a, key) && deepEqual(a[key], b[key], depth + 1));
}

function compare(op: string, value: Value, operand: number | string): boolean {
  if (typeof value !== typeof operand) return false;
  const v = value as number | string;
  if (op === '$gt') return v > operand;
  if (op === '$gte') return v >= operand;
  if (op === '$lt') return v < operand;
  return v <= operand;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

function error(path: string, message: string): { ok: false; path: string; message: string } {
  return { ok: false, path: path === '' ? '(filter)' : path, message };
}

import type { Store } from './store.ts';

/**
 * The store with some methods replaced (metrics, tracing, encryption wrap it this way). A Proxy rather
 * than a copy because store objects may keep state behind their methods; every other method is bound to
 * the store once and cached, so a call through the wrapper costs one map lookup.
 */
export function overrideStore(store: Store, overrides: Partial<Store>): Store {
  const bound = new Map<PropertyKey, unknown>(Object.entries(overrides));
  return new Proxy(store, {
    get(target, property) {
      if (bound.has(property)) return bound.get(property);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value.bind(target) as unknown;
      bound.set(property, method);
      return method;
    },
  });
}

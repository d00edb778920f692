/**
 * A value kept on an object of one request (its `Request`, its context, its signal, its database
 * handle) under a symbol of its own, where a module-level `WeakMap` keyed by that object would
 * otherwise hold it. Every per-request value of the platform goes through here, and
 * `@pothos/core`'s context cache is patched the same way (patches/@pothos__core@4.15.1.patch).
 *
 * Why not a WeakMap: V8's young-generation GC keeps the value of an entry alive when the table is
 * in the old generation (a module-level map always is) and the entry's key is young, whether or
 * not the key is still reachable; the entry is only cleared afterwards. So each finished request
 * whose context, say, keyed such an entry was copied by the next young GC and promoted by the one
 * after, and only a full mark-compact reclaimed it. Measured on the API (small city, one core,
 * `--trace-gc-nvp`): 15 KB of each one-statement read survived young GCs, and the old generation
 * grew ~20 MB/s under load; with the values on the objects, 2.5 KB (docs/request-path.md).
 *
 * An object that cannot take a property (frozen, sealed) falls back to a WeakMap.
 */
export interface RequestSlot<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  has(key: K): boolean;
  /** Forgets the value (the slot stays, holding nothing: deleting a property slows the object down). */
  delete(key: K): void;
}

export function requestSlot<K extends object, V>(name: string): RequestSlot<K, V> {
  const slot = Symbol(`safecity.${name}`);
  let fallback: WeakMap<K, V> | undefined;
  const own = (key: K): boolean => Object.hasOwn(key, slot);
  return {
    get: (key) => (own(key) ? (key as Record<symbol, V | undefined>)[slot] : fallback?.get(key)),
    has: (key) => (own(key) ? (key as Record<symbol, V | undefined>)[slot] !== undefined : (fallback?.has(key) ?? false)),
    set(key, value) {
      if (own(key)) (key as Record<symbol, V>)[slot] = value;
      else if (Object.isExtensible(key)) Object.defineProperty(key, slot, { value, writable: true, configurable: true, enumerable: false });
      else (fallback ??= new WeakMap()).set(key, value);
    },
    delete(key) {
      if (own(key)) (key as Record<symbol, V | undefined>)[slot] = undefined;
      else fallback?.delete(key);
    },
  };
}

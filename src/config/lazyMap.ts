// What LazyMap needs of its keys: a ReadonlyMap's lookups, size and list of keys.
export type Keys<S> = Pick<ReadonlyMap<string, S>, "has" | "get" | "size" | "keys">;

// A read-only map whose keys are known at once and whose values are built on first use, each
// once, from what `sources` holds for the key: a run that reads two profiles of ten thousand
// builds two. Going through all its values builds them all.
export class LazyMap<S, V> implements ReadonlyMap<string, V> {
  private readonly built = new Map<string, V>();

  constructor(
    private readonly sources: Keys<S>,
    private readonly build: (source: S, key: string) => V,
  ) {}

  get size(): number {
    return this.sources.size;
  }

  has(key: string): boolean {
    return this.sources.has(key);
  }

  get(key: string): V | undefined {
    if (this.built.has(key)) return this.built.get(key);
    if (!this.sources.has(key)) return undefined;
    const v = this.build(this.sources.get(key) as S, key);
    this.built.set(key, v);
    return v;
  }

  keys(): MapIterator<string> {
    return this.sources.keys();
  }

  // Every value, in the order of the keys.
  private all(): Map<string, V> {
    return new Map([...this.sources.keys()].map((k) => [k, this.get(k) as V]));
  }

  values(): MapIterator<V> {
    return this.all().values();
  }

  entries(): MapIterator<[string, V]> {
    return this.all().entries();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void, self?: unknown): void {
    for (const [k, v] of this.all()) f.call(self, v, k, this);
  }
}

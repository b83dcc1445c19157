// The small interface every cache backend implements. Values are opaque strings
// (an encoded CacheEntry); a backend only keeps them.
export interface Store {
  readonly name: "keychain" | "file" | "memory" | "none";
  // Chosen by name: a failing read is an error, not a cache miss.
  readonly strict?: boolean;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<Array<{ key: string; value: string }>>;
}

// Keeps entries for this process only: tests and `--backend memory`.
export function memoryStore(): Store {
  const map = new Map<string, string>();
  return {
    name: "memory",
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
    list: async () => [...map].map(([key, value]) => ({ key, value })),
  };
}

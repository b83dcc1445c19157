import type { Store } from "../types.js";

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

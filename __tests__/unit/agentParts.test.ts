// The agent's pure parts: AWSX_AGENT and AWSX_AGENT_IDLE, the config kept while its files are
// unchanged, and the store of what the agent holds (src/cli/agent/).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { configCache } from "../../src/cli/agent/configCache.js";
import { GoDirect, type Held, heldStore } from "../../src/cli/agent/heldStore.js";
import type { ItemState } from "../../src/platform/keychainItemState.js";
import { agentWanted, readSettings } from "../../src/cli/settings.js";
import { encodeEntry } from "../../src/cache/cacheEntry.js";
import { memoryStore } from "../../src/cache/memoryStore.js";

describe("AWSX_AGENT", () => {
  it.each([
    [{}, true],
    [{ CI: "true" }, false],
    [{ CI: "1" }, false],
    [{ CI: "true", AWSX_AGENT: "1" }, true],
    [{ AWSX_AGENT: "true" }, true],
    [{ AWSX_AGENT: "0" }, false],
    [{ AWSX_AGENT: "false" }, false],
    [{ AWSX_AGENT: "" }, true],
  ])("%j: %s", (env, on) => expect(agentWanted(env)).toBe(on));

  it("refuses anything else (64)", () => {
    expect(() => agentWanted({ AWSX_AGENT: "yes" })).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: 'AWSX_AGENT must be 1 or 0, not "yes"' }),
    );
  });

  it("AWSX_AGENT_IDLE: seconds, 900 by default", () => {
    const env = { HOME: "/h" };
    expect(readSettings(env).agentIdleMs).toBe(900_000);
    expect(readSettings({ ...env, AWSX_AGENT_IDLE: "2.5" }).agentIdleMs).toBe(2500);
    expect(() => readSettings({ ...env, AWSX_AGENT_IDLE: "-1" })).toThrow(/AWSX_AGENT_IDLE/);
  });
});

describe("configCache", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "awsx-agent-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("parses again only when a file changed", () => {
    const config = path.join(dir, "config");
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none") };
    writeFileSync(config, "[profile a]\nregion = us-east-1\n");
    const load = configCache();
    const first = load(env);
    expect(load(env)).toBe(first);
    // Same size, another content: the modification time (ns) and change time tell.
    writeFileSync(config, "[profile b]\nregion = us-east-1\n");
    const second = load(env);
    expect(second).not.toBe(first);
    expect([...second.profiles.keys()]).toEqual(["b"]);
    // The credentials file appears.
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, "[c]\naws_access_key_id = x\n");
    expect(load(env)).not.toBe(second);
  });
});

describe("heldStore", () => {
  const key = "a".repeat(64);
  const now = new Date("2026-01-01T00:00:00Z");
  const entry = (minutesLeft: number) =>
    encodeEntry({
      v: 1,
      key,
      profile: "p",
      kind: "assumeRole",
      label: "arn",
      profiles: ["p"],
      createdAt: new Date(now.getTime() - 3_600_000).toISOString(),
      expiration: new Date(now.getTime() + minutesLeft * 60_000).toISOString(),
      credentials: { accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "t" },
    });
  const setup = async () => {
    const keychain = memoryStore();
    let reads = 0;
    const counted = { ...keychain, get: (k: string) => (reads++, keychain.get(k)) };
    const held: Held = { entries: new Map(), generation: 0 };
    // The item's state as the Secret Service would give it: there and unlocked when the
    // memory store has it, unless a test locks the keychain.
    const keyring = { locked: false };
    const stateOf = async (k: string): Promise<ItemState> => {
      if ((await keychain.get(k)) === undefined) return "missing";
      return keyring.locked ? "locked" : "unlocked";
    };
    const source = { keychain: async () => counted, stateOf };
    const store = () => heldStore(source, held, { now: () => now, windowMs: 600_000 }, new Set());
    return { keychain, held, store, keyring, reads: () => reads };
  };

  it("reads a fresh session once, then holds it", async () => {
    const s = await setup();
    await s.keychain.set(key, entry(60));
    expect(await s.store().get(key)).toBe(entry(60));
    expect(await s.store().get(key)).toBe(entry(60));
    expect(s.reads()).toBe(1);
  });

  it("goes direct for a session missing or not fresh, and reads it again next time", async () => {
    const s = await setup();
    await expect(s.store().get(key)).rejects.toBeInstanceOf(GoDirect);
    await s.keychain.set(key, entry(5));
    await expect(s.store().get(key)).rejects.toBeInstanceOf(GoDirect);
    await s.keychain.set(key, entry(60)); // the direct path refreshed it
    expect(await s.store().get(key)).toBe(entry(60));
  });

  it("goes direct once the keychain is locked, forgets, and reads nothing meanwhile", async () => {
    const s = await setup();
    await s.keychain.set(key, entry(60));
    await s.keychain.set("keys-p", "{}");
    expect(await s.store().get(key)).toBe(entry(60));
    s.keyring.locked = true;
    await expect(s.store().get(key)).rejects.toThrow("the keychain is locked");
    await expect(s.store().get("keys-p")).rejects.toBeInstanceOf(GoDirect);
    expect(s.held.entries.size).toBe(0);
    expect(s.reads()).toBe(1);
    s.keyring.locked = false;
    expect(await s.store().get(key)).toBe(entry(60));
    expect(s.reads()).toBe(2);
  });

  it("forgets a session whose item another program deleted", async () => {
    const s = await setup();
    await s.keychain.set(key, entry(60));
    expect(await s.store().get(key)).toBe(entry(60));
    await s.keychain.delete(key);
    await expect(s.store().get(key)).rejects.toBeInstanceOf(GoDirect);
    expect(s.held.entries.size).toBe(0);
  });

  it("never keeps long-term keys, and writes nothing", async () => {
    const s = await setup();
    await s.keychain.set("keys-p", "{}");
    expect(await s.store().get("keys-p")).toBe("{}");
    expect(s.held.entries.size).toBe(0);
    await expect(s.store().set(key, "x")).rejects.toBeInstanceOf(GoDirect);
    await expect(s.store().delete(key)).rejects.toBeInstanceOf(GoDirect);
  });
});

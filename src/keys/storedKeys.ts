import type { LoadedConfig } from "../config/load.js";
import { AwsxError } from "../errors.js";
import { isAssumeRoleProfile, type StoredKeyPair } from "../plan/planner.js";
import type { Store } from "../types.js";

// Store keys of long-term key pairs: apart from sessions (hex hop ids), so `awsx clear` never
// touches them. The file store names a file after the key: outside [A-Za-z0-9._-] the
// profile is %-escaped, so no name holds a path separator or a character Windows refuses.
const KEYS_PREFIX = "keys-";

export const storeKeyOf = (profile: string): string =>
  KEYS_PREFIX +
  profile.replace(
    /[^A-Za-z0-9._-]/gu,
    (c) => `%${[...Buffer.from(c, "utf8")].map((b) => b.toString(16).padStart(2, "0")).join("%")}`,
  );
export const isKeysKey = (key: string): boolean => key.startsWith(KEYS_PREFIX);

// One stored key pair, as the store keeps it (JSON).
export interface KeysEntry {
  v: 1;
  kind: "awsx-keys";
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  addedAt: string;
}

// A long-term access key id (AKIA…); temporary ones (ASIA…) need a token and expire.
const KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/;
const SECRET = /^[A-Za-z0-9/+]{40}$/;

// Refuse what cannot be a long-term key pair, naming the profile, never echoing the secret.
export function checkKeyPair(profile: string, id: string, secret: string): void {
  const bad = (what: string): AwsxError =>
    new AwsxError("E_USAGE", `${what} (profile "${profile}"); check what was pasted`, {
      profile,
    });
  if (!KEY_ID.test(id)) {
    throw bad("the access key id is not shaped like one (AKIA followed by 16 capitals/digits)");
  }
  if (id.startsWith("ASIA")) {
    throw bad(
      "ASIA… is a temporary key that needs its session token and expires; " +
        "store the IAM user's long-term AKIA… key",
    );
  }
  if (!SECRET.test(secret)) {
    throw bad("the secret access key is not 40 characters of letters, digits, / and +");
  }
}

export function encodeKeys(e: KeysEntry): string {
  return JSON.stringify(e);
}

// Anything else under the name is treated as absent, never a crash.
export function decodeKeys(text: string | undefined, profile: string): KeysEntry | undefined {
  if (typeof text !== "string" || text.length > 10_000) return undefined;
  try {
    const j = JSON.parse(text);
    const ok =
      j?.v === 1 &&
      j.kind === "awsx-keys" &&
      j.profile === profile &&
      typeof j.accessKeyId === "string" &&
      typeof j.secretAccessKey === "string" &&
      j.accessKeyId.length > 0 &&
      j.secretAccessKey.length > 0;
    return ok ? (j as KeysEntry) : undefined;
  } catch {
    return undefined;
  }
}

// The profiles a resolution may take keys from: its source_profile chain without the roles
// (a role never uses keys of its own, as in the AWS CLI): one keychain call fewer per role
// on the everyday `awsx exec role-profile`.
export function chainProfiles(config: LoadedConfig, target: string, max = 66): string[] {
  const names: string[] = [];
  let name: string | undefined = target;
  while (name !== undefined && !names.includes(name) && names.length < max) {
    names.push(name);
    name = config.profiles.get(name)?.values.source_profile;
  }
  // Unless it names itself as source_profile (botocore allows it).
  return names.filter((n) => {
    const p = config.profiles.get(n);
    return !(p && isAssumeRoleProfile(p) && p.values.source_profile !== n);
  });
}

// The stored key pairs of the given profiles, read in parallel (one store call each).
export async function readStoredKeys(
  store: Store,
  profiles: string[],
): Promise<Map<string, StoredKeyPair>> {
  const found = new Map<string, StoredKeyPair>();
  const texts = await Promise.all(profiles.map((p) => store.get(storeKeyOf(p))));
  profiles.forEach((p, i) => {
    const e = decodeKeys(texts[i], p);
    if (e) found.set(p, { ...pairOf(e), store: store.name, item: storeKeyOf(p) });
  });
  return found;
}

const pairOf = (e: KeysEntry) => ({
  accessKeyId: e.accessKeyId,
  secretAccessKey: e.secretAccessKey,
});

// Every stored key pair of the store (list, doctor), by profile.
export async function listStoredKeys(store: Store): Promise<KeysEntry[]> {
  const out: KeysEntry[] = [];
  for (const { key, value } of await store.list()) {
    if (!isKeysKey(key)) continue;
    const profile = (JSON.parse(value || "null") as { profile?: unknown } | null)?.profile;
    const e = typeof profile === "string" ? decodeKeys(value, profile) : undefined;
    if (e && storeKeyOf(e.profile) === key) out.push(e);
  }
  return out;
}

// A profile whose keys are both in the store (which wins) and in a plaintext file.
export interface StoredKeyConflict {
  profile: string;
  // The file that still holds a plaintext key pair for it.
  file: string;
  // True when both hold the same access key id (an `awsx add` of the file's key).
  sameKey: boolean;
}

// For `awsx doctor` and `awsx list`: profiles whose stored keys shadow plaintext ones.
export async function storedKeyConflicts(
  config: LoadedConfig,
  store: Store | undefined,
): Promise<StoredKeyConflict[]> {
  if (!store) return [];
  return conflictsOf(config, await listStoredKeys(store));
}

// The same, for keys already listed.
export function conflictsOf(config: LoadedConfig, stored: KeysEntry[]): StoredKeyConflict[] {
  const out: StoredKeyConflict[] = [];
  for (const e of stored) {
    const files: Array<[string, Record<string, string> | undefined]> = [
      [config.credentialsFile, config.credentialsProfiles.get(e.profile)],
      [config.configFile, config.configProfiles.get(e.profile)],
    ];
    for (const [file, values] of files) {
      const id = values?.aws_access_key_id;
      if (id !== undefined) out.push({ profile: e.profile, file, sameKey: id === e.accessKeyId });
    }
  }
  return out;
}

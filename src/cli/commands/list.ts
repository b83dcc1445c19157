import { decodeEntry, type CacheEntry } from "../../cache/entry.js";
import type { Profile } from "../../config/load.js";
import { hasStaticKeys, isAssumeRoleProfile } from "../../plan/build.js";
import type { Command } from "../command.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { type Deps, openBackend } from "../deps.js";
import { cacheBackendOption, JSON_OPTION } from "../options.js";
import { conflictsOf, isKeysKey, type KeysEntry, listStoredKeys } from "../../keys/storedKeys.js";
import { maskKeyId } from "../../types.js";

// The kind of a profile at a glance, in the CLI's order of precedence.
export function profileKind(p: Profile): string {
  const v = p.values;
  if (isAssumeRoleProfile(p)) return v.mfa_serial ? "assumeRole (MFA)" : "assumeRole";
  if (v.web_identity_token_file) return "webIdentity";
  if (v.sso_start_url !== undefined || v.sso_session !== undefined) return "sso (unsupported)";
  if (hasStaticKeys(p)) return "static";
  if (v.credential_process !== undefined) return "process";
  return "none";
}

async function cachedEntries(
  backend: string | undefined,
  deps: Deps,
): Promise<{ backend: string; entries: CacheEntry[]; keys: KeysEntry[] }> {
  const store = await openBackend({ backend }, deps);
  if (!store) return { backend: "none", entries: [], keys: [] };
  const entries = (await store.list())
    .filter((e) => !isKeysKey(e.key))
    .map((e) => decodeEntry(e.value, e.key))
    .filter((e): e is CacheEntry => e !== undefined);
  return { backend: store.name, entries, keys: await listStoredKeys(store) };
}

// awsx list: profiles and cached sessions with time left; never a secret.
export async function runList(
  input: { backend?: string; json?: boolean },
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const config = loadUserConfig(deps.env);
  const { backend, entries, keys } = await cachedEntries(input.backend, deps);
  const conflicts = conflictsOf(config, keys);
  const stored = new Set(keys.map((k) => k.profile));
  const names = [...new Set([...config.profiles.keys(), ...stored])];
  const profiles = names.map((name) => {
    const p = config.profiles.get(name);
    return {
      name,
      kind: stored.has(name) && !(p && isAssumeRoleProfile(p)) ? "stored" : profileKind(p!),
      // Only on profiles with stored keys; plaintextKeys: a file holds keys for it too.
      ...(stored.has(name)
        ? { storedKeys: true, plaintextKeys: conflicts.some((c) => c.profile === name) }
        : {}),
    };
  });
  const now = deps.now().getTime();
  const sessions = entries.map((e) => ({
    profile: e.profile,
    kind: e.kind,
    for: e.label,
    usedBy: e.profiles,
    expiration: e.expiration,
    secondsLeft: Math.max(0, Math.round((Date.parse(e.expiration) - now) / 1000)),
  }));
  if (input.json) {
    out(`${JSON.stringify({ backend, profiles, sessions, conflicts }, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(7, ...profiles.map((p) => p.name.length));
  const lines = [
    `${"PROFILE".padEnd(width)}  KIND`,
    ...profiles.map((p) => `${p.name.padEnd(width)}  ${p.kind}`),
    "",
  ];
  lines.push(...storedKeyLines(keys, conflicts, backend));
  lines.push(`Cached sessions (${backend}):`);
  if (sessions.length === 0) lines.push("  (none)");
  for (const s of sessions) {
    const left =
      s.secondsLeft > 0
        ? `${Math.floor(s.secondsLeft / 60)}m${String(s.secondsLeft % 60).padStart(2, "0")}s left`
        : "expired";
    lines.push(`  ${s.profile}  ${s.kind} ${s.for}  ${left}  (used by ${s.usedBy.join(", ")})`);
  }
  out(`${lines.join("\n")}\n`);
  return 0;
}

// The "Stored keys" block: which profiles have long-term keys in the store (ids masked).
function storedKeyLines(
  keys: KeysEntry[],
  conflicts: ReturnType<typeof conflictsOf>,
  backend: string,
): string[] {
  if (keys.length === 0) return [];
  const lines = [`Stored keys (${backend}):`];
  for (const k of keys) {
    const also = conflicts.filter((c) => c.profile === k.profile).map((c) => c.file);
    const flag = also.length ? `  (also in ${also.join(", ")}: ignored, stored keys win)` : "";
    lines.push(`  ${k.profile}  ${maskKeyId(k.accessKeyId)}  added ${k.addedAt}${flag}`);
  }
  return [...lines, ""];
}

// awsx list.
export const list: Command = {
  name: "list",
  summary: "List profiles and cached sessions with the time they have left",
  usage: "",
  options: [JSON_OPTION, cacheBackendOption("list")],
  args: [],
  run: (input, deps) => runList(input as { backend?: string; json?: boolean }, deps, deps.out),
};

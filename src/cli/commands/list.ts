import { decodeEntry, type CacheEntry } from "../../cache/entry.js";
import type { Profile } from "../../config/load.js";
import { hasStaticKeys, isAssumeRoleProfile } from "../../plan/build.js";
import type { Command } from "../command.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { type Deps, openBackend } from "../deps.js";
import { cacheBackendOption, JSON_OPTION } from "../options.js";
import { isSsoProfile } from "../../sso/ssoConfig.js";
import { ssoTokenLines, ssoTokens } from "../ssoTokens.js";

// The kind of a profile at a glance, in the CLI's order of precedence.
export function profileKind(p: Profile): string {
  const v = p.values;
  if (isAssumeRoleProfile(p)) return v.mfa_serial ? "assumeRole (MFA)" : "assumeRole";
  if (v.web_identity_token_file) return "webIdentity";
  if (isSsoProfile(p)) return v.sso_session !== undefined ? "sso" : "sso (legacy)";
  if (hasStaticKeys(p)) return "static";
  if (v.credential_process !== undefined) return "process";
  return "none";
}

async function cachedEntries(
  backend: string | undefined,
  deps: Deps,
): Promise<{ backend: string; entries: CacheEntry[]; raw: Array<{ key: string; value: string }> }> {
  const store = await openBackend({ backend }, deps);
  if (!store) return { backend: "none", entries: [], raw: [] };
  const raw = await store.list();
  const entries = raw
    .map((e) => decodeEntry(e.value, e.key))
    .filter((e): e is CacheEntry => e !== undefined);
  return { backend: store.name, entries, raw };
}

// awsx list: profiles and cached sessions with time left; never a secret.
export async function runList(
  input: { backend?: string; json?: boolean },
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const config = loadUserConfig(deps.env);
  const profiles = [...config.profiles.values()].map((p) => ({
    name: p.name,
    kind: profileKind(p),
  }));
  const { backend, entries, raw } = await cachedEntries(input.backend, deps);
  const sso = await ssoTokens(config, raw, deps);
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
    out(`${JSON.stringify({ backend, profiles, sessions, ssoTokens: sso }, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(7, ...profiles.map((p) => p.name.length));
  const lines = [
    `${"PROFILE".padEnd(width)}  KIND`,
    ...profiles.map((p) => `${p.name.padEnd(width)}  ${p.kind}`),
    "",
  ];
  lines.push(`Cached sessions (${backend}):`);
  if (sessions.length === 0) lines.push("  (none)");
  for (const s of sessions) {
    const left =
      s.secondsLeft > 0
        ? `${Math.floor(s.secondsLeft / 60)}m${String(s.secondsLeft % 60).padStart(2, "0")}s left`
        : "expired";
    lines.push(`  ${s.profile}  ${s.kind} ${s.for}  ${left}  (used by ${s.usedBy.join(", ")})`);
  }
  lines.push(...ssoTokenLines(sso, backend));
  out(`${lines.join("\n")}\n`);
  return 0;
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

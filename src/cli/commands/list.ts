import { keychainNotRead } from "../../cache/keychainNotRead.js";
import { decodeEntry, type CacheEntry } from "../../cache/cacheEntry.js";
import type { Profile } from "../../config/load.js";
import { hasStaticKeys, isAssumeRoleProfile } from "../../plan/planner.js";
import type { Command } from "../command.js";
import { loadUserConfig } from "../../config/userConfig.js";
import { type Deps, openBackend } from "../deps.js";
import { cacheBackendOption, JSON_OPTION } from "../options.js";
import { type ListSection, renderSections } from "../table.js";
import { isSsoProfile } from "../../sso/ssoConfig.js";
import { type SsoTokenInfo, ssoTokens } from "../../sso/ssoTokens.js";
import { timeLeft } from "../../util/timeLeft.js";
import { conflictsOf, isKeysKey, type KeysEntry, listStoredKeys } from "../../keys/storedKeys.js";
import { maskKeyId } from "../../types.js";

// The kind of a profile at a glance, in the CLI's order of precedence.
function profileKind(p: Profile): string {
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
): Promise<{
  backend: string;
  entries: CacheEntry[];
  raw: Array<{ key: string; value: string }>;
  keys: KeysEntry[];
  unread?: string;
}> {
  let skipped: string | undefined;
  const store = await openBackend({ backend }, deps, (why) => (skipped = why));
  const raw = (await store?.list()) ?? [];
  const unread = keychainNotRead(store, skipped, {
    refused: "the sessions in the keychain cannot be listed",
    unread: "the sessions, stored keys and SSO sign-ins kept in it are not shown",
  });
  const more = unread === undefined ? {} : { unread };
  if (!store) return { backend: "none", entries: [], raw: [], keys: [], ...more };
  const entries = raw
    .filter((e) => !isKeysKey(e.key))
    .map((e) => decodeEntry(e.value, e.key))
    .filter((e): e is CacheEntry => e !== undefined);
  return { backend: store.name, entries, raw, keys: await listStoredKeys(store), ...more };
}

type Session = {
  profile: string;
  kind: string;
  for: string;
  usedBy: string[];
  region?: string;
  durationSeconds: number;
  expiration: string;
  secondsLeft: number;
};

const sessionOf = (e: CacheEntry, now: number): Session => ({
  profile: e.profile,
  kind: e.kind,
  for: e.label,
  usedBy: e.profiles,
  ...(e.region ? { region: e.region } : {}),
  // What STS granted, to the minute (createdAt is awsx's clock, expiration STS's).
  durationSeconds: Math.round((Date.parse(e.expiration) - Date.parse(e.createdAt)) / 60_000) * 60,
  expiration: e.expiration,
  secondsLeft: Math.max(0, Math.round((Date.parse(e.expiration) - now) / 1000)),
});

// Region and duration get a column only when two sessions of one role (or MFA device)
// differ by them, and a value only on those sessions' rows.
function differing(sessions: Session[], pick: (s: Session) => string): Set<Session> {
  const by = new Map<string, Session[]>();
  for (const s of sessions)
    by.set(`${s.kind} ${s.for}`, [...(by.get(`${s.kind} ${s.for}`) ?? []), s]);
  const out = new Set<Session>();
  for (const group of by.values())
    if (new Set(group.map(pick)).size > 1) for (const s of group) out.add(s);
  return out;
}

function sessionSection(backend: string, sessions: Session[]): ListSection {
  const region = differing(sessions, (s) => s.region ?? "?");
  const duration = differing(sessions, (s) => String(s.durationSeconds));
  const cols: Array<[string, (s: Session) => string]> = [
    ["PROFILE", (s) => s.profile],
    ["KIND", (s) => s.kind],
    ["FOR", (s) => s.for],
  ];
  if (region.size) cols.push(["REGION", (s) => (region.has(s) ? (s.region ?? "?") : "")]);
  if (duration.size)
    cols.push(["DURATION", (s) => (duration.has(s) ? timeLeft(s.durationSeconds * 1000) : "")]);
  cols.push(
    ["LEFT", (s) => timeLeft(s.secondsLeft * 1000)],
    ["USED BY", (s) => s.usedBy.join(", ")],
  );
  return {
    title: `Cached sessions (${backend}):`,
    header: cols.map(([h]) => h),
    rows: sessions.map((s) => cols.map(([, f]) => f(s))),
    empty: "(none)",
  };
}

// Which backend was read, and that the others are not.
function backendNote(backend: string): string {
  const others = ["keychain", "file"].filter((b) => b !== backend);
  const read = backend === "none" ? "No cache backend is in use here" : `Read from the ${backend}`;
  return (
    `${read}; sessions in another backend are not shown ` +
    `(awsx list --backend ${others.join("|")}; awsx doctor says which one awsx uses).`
  );
}

// awsx list: profiles and cached sessions with time left; never a secret.
async function runList(
  input: { backend?: string; json?: boolean },
  deps: Deps,
  out: (s: string) => void,
): Promise<number> {
  const config = loadUserConfig(deps.env);
  const { backend, entries, raw, keys, unread } = await cachedEntries(input.backend, deps);
  // On stderr, before the listing: what was not read, and why (also in --json).
  if (unread !== undefined) deps.logger.warn(unread);
  const sso = await ssoTokens(config, raw, deps);
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
  const sessions = entries.map((e) => sessionOf(e, now));
  if (input.json) {
    const json = { backend, profiles, sessions, conflicts, ssoTokens: sso };
    const whole = unread === undefined ? json : { ...json, keychainNotRead: unread };
    out(`${JSON.stringify(whole, null, 2)}\n`);
    return 0;
  }
  const sections: ListSection[] = [
    { header: ["PROFILE", "KIND"], rows: profiles.map((p) => [p.name, p.kind]) },
    ...(keys.length ? [storedKeySection(keys, conflicts, backend)] : []),
    sessionSection(backend, sessions),
    ...(sso.length ? [ssoTokenSection(sso, backend)] : []),
  ];
  out(`${renderSections(sections)}${backendNote(backend)}\n`);
  return 0;
}

// Which profiles have long-term keys in the store (ids masked), and which of them a
// credentials or config file also holds keys for.
function storedKeySection(
  keys: KeysEntry[],
  conflicts: ReturnType<typeof conflictsOf>,
  backend: string,
): ListSection {
  return {
    title: `Stored keys (${backend}):`,
    header: ["PROFILE", "KEY", "ADDED", "NOTE"],
    rows: keys.map((k) => {
      const also = conflicts.filter((c) => c.profile === k.profile).map((c) => c.file);
      const note = also.length ? `also in ${also.join(", ")}: ignored, stored keys win` : "";
      return [k.profile, maskKeyId(k.accessKeyId), k.addedAt, note];
    }),
  };
}

// The section `awsx list` adds for SSO sign-ins; never a token.
function ssoTokenSection(infos: SsoTokenInfo[], backend: string): ListSection {
  const state = (i: SsoTokenInfo): string => {
    if (i.secondsLeft === undefined) return "not signed in";
    if (i.secondsLeft > 0) return timeLeft(i.secondsLeft * 1000);
    return i.refreshable ? "expired, refreshable" : "expired";
  };
  const where = (i: SsoTokenInfo): string =>
    i.from === undefined ? "" : i.from === "awsx" ? `${backend} cache` : "AWS CLI cache";
  return {
    title: "SSO sign-ins:",
    header: ["SESSION", "LEFT", "FROM"],
    rows: infos.map((i) => [i.session, state(i), where(i)]),
  };
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

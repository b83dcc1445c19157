// awsx list's layout through the built CLI: aligned columns, times as 11h59m, region and
// duration only where two sessions of one role differ, and the line naming the backend read.
// The sessions are written into a file store beforehand (fake keys, never sent anywhere).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type CacheEntry, encodeEntry } from "../../src/cache/cacheEntry.js";
import { fileStore } from "../../src/cache/fileStore.js";
import { runAwsx } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { joinRegExp } from "../helpers/regex.js";

const ROLE = "arn:aws:iam::111122223333:role/deploy";
const MFA = "arn:aws:iam::111122223333:mfa/me";
const H = 3600_000;

function entry(
  key: string,
  label: string,
  lifeMs: number,
  leftMs: number,
  region?: string,
  kind: CacheEntry["kind"] = "assumeRole",
): CacheEntry {
  const exp = Date.now() + leftMs;
  return {
    v: 1,
    key,
    profile: kind === "sessionToken" ? "ops" : "deploy",
    kind,
    label,
    profiles: ["base", "deploy"],
    ...(region ? { region } : {}),
    createdAt: new Date(exp - lifeMs).toISOString(),
    expiration: new Date(exp).toISOString(),
    credentials: { accessKeyId: "ASIAFAKELIST00000001", secretAccessKey: "fakeListSecret0000" },
  };
}

let home: TempHome;
let cacheDir: string;
beforeEach(() => {
  home = makeHome({
    config: `[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = base\n`,
    credentials: "[base]\naws_access_key_id = AKIAFAKELIST00000002\naws_secret_access_key = x\n",
  });
  cacheDir = mkdtempSync(path.join(os.tmpdir(), "awsx-list-"));
});
afterEach(() => {
  home.cleanup();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function store(...entries: CacheEntry[]) {
  const s = await fileStore(path.join(cacheDir, "sessions"), "pw");
  for (const e of entries) await s.set(e.key, encodeEntry(e));
}
const list = (...args: string[]) =>
  runAwsx(
    ["list", "--backend", "file", ...args],
    home.env({
      AWSX_CACHE_DIR: cacheDir,
      AWSX_FILE_PASSPHRASE: "pw",
    }),
  );

test("one session per role: no region or duration column; 11h59m; the backend line", async () => {
  await store(
    entry("a".repeat(64), ROLE, 12 * H, 12 * H - 45_000, "eu-west-1"),
    entry("b".repeat(64), MFA, 12 * H, 5 * 60_000 + 7_000, undefined, "sessionToken"),
  );
  const r = await list();
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines.slice(0, 4)).toEqual([
    "PROFILE  KIND",
    "deploy   assumeRole",
    "base     static",
    "",
  ]);
  const sessions = lines.slice(lines.indexOf("Cached sessions (file):") + 1, -1);
  expect(sessions[0]).toMatch(/^ {2}PROFILE {2}KIND {10}FOR {2,}LEFT {4}USED BY$/);
  const col = sessions[0]!.indexOf("LEFT");
  expect(
    sessions
      .slice(1)
      .map((l) => l.slice(col, col + 6).trim())
      .sort(),
  ).toEqual([expect.stringMatching(/^11h5\dm$/), expect.stringMatching(/^[45]m\d\ds$/)]);
  expect(sessions[1]).toMatch(
    joinRegExp(
      /^ {2}deploy {3}assumeRole {4}arn:aws:iam::111122223333:role\/deploy {2}1/,
      /1h5\dm {2}base, deploy$/,
    ),
  );
  expect(r.stdout).not.toMatch(/REGION|DURATION/);
  expect(lines.at(-1)).toBe(
    "Read from the file; sessions in another backend are not shown " +
      "(awsx list --backend keychain; awsx doctor says which one awsx uses).",
  );
  expect(r.stdout).not.toContain("fakeListSecret");
});

test("two sessions of one role in two regions and lengths: REGION and DURATION shown", async () => {
  await store(
    entry("c".repeat(64), ROLE, 1 * H, 30 * 60_000, "eu-west-1"),
    entry("d".repeat(64), ROLE, 12 * H, 11 * H, "us-east-1"),
    entry("e".repeat(64), MFA, 12 * H, 2 * H, undefined, "sessionToken"),
  );
  const r = await list();
  const lines = r.stdout.split("\n");
  const header = lines.find((l) => l.includes("REGION"))!;
  expect(header).toMatch(/FOR {2,}REGION {5}DURATION {2}LEFT {4}USED BY$/);
  const row = (text: string) => lines.find((l) => l.includes(text))!;
  const at = (l: string, name: string) => l.slice(header.indexOf(name)).split(/ {2,}/)[0]!.trim();
  const eu = row("eu-west-1");
  const us = row("us-east-1");
  // (the time left counts down while the test runs: a minute of slack)
  expect([at(eu, "REGION"), at(eu, "DURATION"), at(eu, "LEFT")]).toEqual([
    "eu-west-1",
    "1h00m",
    expect.stringMatching(/^(29|30)m$/),
  ]);
  expect([at(us, "REGION"), at(us, "DURATION"), at(us, "LEFT")]).toEqual([
    "us-east-1",
    "12h00m",
    expect.stringMatching(/^(10h59|11h00)m$/),
  ]);
  // The MFA session has no twin: its region and duration cells stay empty.
  const mfa = row("mfa/me");
  expect([at(mfa, "REGION"), at(mfa, "DURATION"), at(mfa, "LEFT")]).toEqual([
    "",
    "",
    expect.stringMatching(/^(1h59|2h00)m$/),
  ]);
  const json = JSON.parse((await list("--json")).stdout);
  expect(json.sessions.map((s: { region?: string }) => s.region).sort()).toEqual([
    "eu-west-1",
    "us-east-1",
    undefined,
  ]);
  expect(json.sessions.map((s: { durationSeconds: number }) => s.durationSeconds).sort()).toEqual([
    3600, 43200, 43200,
  ]);
});

test("no backend in use: the line says so and where to look", async () => {
  const r = await runAwsx(["list", "--backend", "none"], home.env());
  expect(r.stdout).toContain("Cached sessions (none):\n  (none)\n");
  expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
    "No cache backend is in use here; sessions in another backend are not shown " +
      "(awsx list --backend keychain|file; awsx doctor says which one awsx uses).",
  );
});

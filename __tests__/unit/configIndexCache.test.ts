// The index of a large config file kept in awsx's cache folder (src/platform/configIndexCache.ts):
// a load through it gives what a load without it gives, it is used only while the file's stat
// is the one it was made from, it is not stored for a file changed just before it was read
// (a rewrite of the same size within one timestamp tick would keep the stat), it holds no
// value, and a folder others can write is not used.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AwsxError } from "../../src/errors.js";
import { type Indexer, type LoadedConfig, loadConfig } from "../../src/config/load.js";
import { readText } from "../../src/config/userConfig.js";
import { configIndexCache } from "../../src/platform/configIndexCache.js";

const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzzSECRETVALUE";

// An `sso sync`-sized config (> 64 KiB) with every kind of header the loader tells apart.
function bigConfig(region = "us-east-1"): string {
  const lines = [
    "[default]",
    "region = eu-west-1",
    "[sso-session corp]",
    "sso_start_url = https://corp.awsapps.com/start",
    "sso_region = us-east-1",
    "[profile target]",
    "role_arn = arn:aws:iam::123456789012:role/target",
    "source_profile = keys",
    "[profile keys]",
    `region = ${region}`,
    "aws_access_key_id = AKIAFAKEFAKEFAKE0001",
    `aws_secret_access_key = ${SECRET}`,
    "[profile 'quoted name']",
    "region = ap-south-1",
    "[services s3local]",
    "s3 =",
    "  endpoint_url = http://127.0.0.1:9000",
  ];
  for (let i = 0; i < 1500; i++)
    lines.push(
      "",
      `[profile ${100000000000 + i}/ReadOnly]`,
      "sso_session = corp",
      `sso_account_id = ${100000000000 + i}`,
      "sso_role_name = ReadOnly",
    );
  // A later plain header for target would win; this one is quoted, so it is not plain.
  lines.push('[profile "target"]', "region = ca-central-1", "");
  return lines.join("\n");
}

let dir: string;
let cacheDir: string;
let configFile: string;
let credentialsFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-index-cache-"));
  cacheDir = path.join(dir, "cache");
  configFile = path.join(dir, "config");
  credentialsFile = path.join(dir, "credentials");
  writeFileSync(configFile, bigConfig());
  writeFileSync(credentialsFile, "[target]\nregion = sa-east-1\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const paths = () => ({ configFile, credentialsFile });
// As if the file had last changed `ago` ms before its reading began (the real clock, moved).
const aged =
  (indexer: Indexer, ago = 5000): Indexer =>
  (p, text, readAt) =>
    indexer(p, text, readAt + ago);
const load = (indexer?: Indexer) => loadConfig(paths(), readText, indexer);
const stored = () => readdirSync(cacheDir).filter((f) => f.startsWith("config-index-"));
const view = (c: LoadedConfig) => ({
  target: c.profiles.get("target"),
  quoted: c.profiles.get("quoted name"),
  keys: c.configProfiles.get("keys"),
  sso: c.ssoSessions.get("corp"),
  services: c.services.get("s3local"),
  all: [...c.profiles.keys()],
  unread: c.unread,
});

test("a settled large file: stored once, then read back, with what a load without it gives", () => {
  const plain = view(load());
  expect(plain.target?.values.region).toBe("sa-east-1");
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(plain);
  expect(stored()).toHaveLength(1);
  const file = path.join(cacheDir, stored()[0]!);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(plain);
  // The second load used the stored index: spoiled, it is caught where a section is read.
  const index = JSON.parse(readFileSync(file, "utf8"));
  index.starts[3] += 1;
  writeFileSync(file, JSON.stringify(index));
  const spoiled = load(aged(configIndexCache(cacheDir)));
  expect(() => spoiled.configProfiles.get("keys")).toThrow(AwsxError);
  expect(() => spoiled.configProfiles.get("keys")).toThrow(/stored index .* is wrong/);
});

test("holds headers and offsets, never a value", () => {
  load(aged(configIndexCache(cacheDir)));
  const text = readFileSync(path.join(cacheDir, stored()[0]!), "utf8");
  expect(text).toContain("profile target");
  for (const value of [SECRET, "AKIAFAKEFAKEFAKE0001", "arn:aws:iam", "ca-central-1", "9000"])
    expect(text).not.toContain(value);
});

test("not stored for a file changed within 2 s before its reading began", () => {
  // Real time: the file was written just now. A rewrite of the same size within the same
  // timestamp tick would keep its stat, so an index stored now could outlive its text.
  expect(view(load(configIndexCache(cacheDir)))).toEqual(view(load()));
  expect(() => stored()).toThrow(); // nothing stored, not even the folder
  load(aged(configIndexCache(cacheDir), 1500));
  expect(() => stored()).toThrow();
});

test("a file rewritten at the same size is read anew", () => {
  load(aged(configIndexCache(cacheDir)));
  const before = readFileSync(configFile, "utf8");
  // The same length, another value, and every section after the first 2 characters earlier.
  const rewritten = `${bigConfig("us-west-2").replace("region = eu-west-1", "region=eu-west-1")}  `;
  expect(rewritten.length).toBe(before.length);
  writeFileSync(configFile, rewritten);
  const fresh = view(load());
  expect(fresh.keys?.region).toBe("us-west-2");
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(fresh);
  // Only the times changed: the stamp too.
  const t = new Date(Date.now() - 60_000);
  utimesSync(configFile, t, t);
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(fresh);
});

test("a small file is never stored", () => {
  writeFileSync(configFile, "[profile target]\nregion = us-east-1\n");
  load(aged(configIndexCache(cacheDir)));
  expect(() => stored()).toThrow();
});

test("a cache folder others can write is neither read nor written", () => {
  load(aged(configIndexCache(cacheDir)));
  const [file] = stored();
  rmSync(path.join(cacheDir, file!));
  chmodSync(cacheDir, 0o777);
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(view(load()));
  expect(stored()).toEqual([]);
  // A planted index there is not read: it would fail the load if it were.
  chmodSync(cacheDir, 0o700);
  load(aged(configIndexCache(cacheDir)));
  const planted = path.join(cacheDir, stored()[0]!);
  const index = JSON.parse(readFileSync(planted, "utf8"));
  index.starts[3] += 1;
  writeFileSync(planted, JSON.stringify(index));
  chmodSync(cacheDir, 0o777);
  expect(view(load(aged(configIndexCache(cacheDir))))).toEqual(view(load()));
});

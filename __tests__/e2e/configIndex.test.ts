// A warm run with an `sso sync`-sized config reads the config's index from awsx's cache
// folder (src/platform/configIndexCache.ts) once the file has settled, and a rewrite of the
// file, even at the same size, is read anew; --no-cache leaves it alone.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";

const config = (url: string, region: string) => {
  const lines = [
    "[profile target]",
    "role_arn = arn:aws:iam::123456789012:role/index-role",
    "source_profile = src",
    `region = ${region}`,
    `endpoint_url = ${url}`,
  ];
  for (let i = 0; i < 1500; i++)
    lines.push("", `[profile ${100000000000 + i}/ReadOnly]`, `sso_account_id = ${i}`);
  return `${lines.join("\n")}\n`;
};

let sts: FakeSts;
let home: TempHome;
beforeAll(async () => {
  sts = await startFakeSts();
  home = makeHome({
    config: config(sts.url, "us-east-1"),
    credentials:
      "[src]\naws_access_key_id = AKIAFAKEINDEX0000001\n" +
      "aws_secret_access_key = fakeIndexSecret00000000000000000000000001\n",
  });
});
afterAll(async () => {
  await sts?.close();
  home?.cleanup();
});

test("stored after the file settles, used, and a same-size rewrite is read anew", async () => {
  const cacheDir = path.join(home.dir, "awsx-cache");
  const env = home.env({ AWSX_CACHE_DIR: cacheDir, AWSX_BACKEND: "none" });
  const region = async (...flags: string[]) => {
    const r = await runAwsx(["exec", "target", ...flags, "--", "printenv", "AWS_REGION"], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    return r.stdout.trim();
  };
  const stored = () =>
    existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.startsWith("config-index-")) : [];
  // Just written: not stored (it could be rewritten within the same timestamp tick).
  expect(await region()).toBe("us-east-1");
  expect(stored()).toEqual([]);
  await sleep(2100); // the file is now settled: 2 s older than the next run's reading
  // --no-cache: nothing in the cache folder is read or written.
  expect(await region("--no-cache")).toBe("us-east-1");
  expect(stored()).toEqual([]);
  expect(await region()).toBe("us-east-1");
  expect(stored()).toHaveLength(1);
  expect(await region()).toBe("us-east-1");
  writeFileSync(home.configFile, config(sts.url, "us-west-2")); // the same size
  expect(await region()).toBe("us-west-2");
}, 60_000);

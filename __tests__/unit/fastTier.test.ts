// __tests__/unit is the fast tier (npm run test:fast, under a minute on 2 cores): tests that
// run in-process. What makes a test slow goes to the slow tiers: differential/ (python3,
// patch(1), real shells), integration/ and faults/. This reads every unit file for the signs.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const UNIT = fileURLToPath(new URL(".", import.meta.url));

// [what a file must not hold, why it belongs to a slow tier]
const SLOW: Array<[RegExp, string]> = [
  [/["'`]python3["'`]|helpers\/python/, "runs python3 (differential/)"],
  [/["'`]patch["'`]/, "runs patch(1) (differential/)"],
  [/helpers\/(moto|motoRecording|keyring|pty|xvfb|recordingProxy)\b/, "starts a real service"],
  [/\bfileStore\(/, "derives keys with scrypt at production cost (faults/fileStore)"],
  [/lock-holder/, "races lock holders in real processes (integration/lock)"],
];

function signs(text: string): string[] {
  return SLOW.filter(([re]) => re.test(text)).map(([, why]) => why);
}

test("no unit test file holds a sign of a slow test", () => {
  const self = path.basename(fileURLToPath(import.meta.url));
  const found = readdirSync(UNIT)
    .filter((f) => f.endsWith(".ts") && f !== self)
    .flatMap((f) => signs(readFileSync(path.join(UNIT, f), "utf8")).map((why) => `${f}: ${why}`));
  expect(found).toEqual([]);
});

test("the reader sees the signs it is for", () => {
  expect(signs('spawnSync("python3", ["-c", PY])')).toHaveLength(1);
  expect(signs('import { pythonJson } from "../helpers/python.js";')).toHaveLength(1);
  expect(signs('spawnSync("patch", ["-s"])')).toHaveLength(1);
  expect(signs('import { startMoto } from "../helpers/moto.js";')).toHaveLength(1);
  expect(signs("const store = await fileStore(dir, PASS);")).toHaveLength(1);
  expect(signs('["exec", "prod", "--", "aws", "s3", "ls"]')).toHaveLength(0);
  expect(signs("// checked by applying it with patch(1)")).toHaveLength(0);
});

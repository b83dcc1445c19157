// A long output to a reader that takes it late: awsx ends its run with a forced exit (a stuck
// keychain call must not keep it alive), which once cut `list` and `doctor --json` at the 64 KiB
// a pipe holds when the reader was slow. Every byte must reach the reader first.
import { spawnSync } from "node:child_process";
import { awsxCommand } from "../helpers/awsx.js";
import { makeHome, type TempHome } from "../helpers/home.js";

let home: TempHome;
beforeAll(() => {
  const profiles = Array.from(
    { length: 20_000 },
    (_, i) => `[profile p${i}]\nrole_arn = arn:aws:iam::123456789012:role/r${i}\n`,
  );
  home = makeHome({ config: `[default]\nregion = us-east-1\n${profiles.join("")}` });
});
afterAll(() => home.cleanup());

// The bytes `awsx ARGS` writes to stdout, read by `wc -c` that starts `delay` seconds late.
function bytesRead(delay: string, ...args: string[]): number {
  const r = spawnSync(
    "sh",
    ["-c", `${awsxCommand(...args)} 2>/dev/null | (sleep ${delay}; wc -c)`],
    {
      env: home.env({ AWSX_BACKEND: "memory" }),
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return Number(r.stdout.trim());
}

test("list: a reader one second late still gets every line", () => {
  const all = bytesRead("0", "list");
  expect(all).toBeGreaterThan(65_536 * 4);
  expect(bytesRead("1", "list")).toBe(all);
});

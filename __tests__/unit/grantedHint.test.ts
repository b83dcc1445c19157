// A profile granted wrote (credential_process = granted credential-process ...) on a machine
// without granted: the error says how to get a profile awsx reads. A real spawn that fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stepEffects } from "../../src/cli/deps.js";
import { runCredentialProcess } from "../../src/credentials/steps/process.js";
import { joinRegExp } from "../helpers/regex.js";

let empty: string;
beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), "awsx-nopath-"));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

const run = (command: string) =>
  runCredentialProcess("granted-dev", command, {
    env: { PATH: empty },
    timeoutMs: 5000,
    maxOutputBytes: 1024,
    now: () => new Date(),
    runHelper: stepEffects().runHelper,
  });

test("granted not installed: a pointer to awsx sso sync and the keys awsx reads", async () => {
  await expect(run("granted credential-process --profile granted-dev")).rejects.toThrow(
    joinRegExp(
      /^credential_process of profile "granted-dev" could not start granted: /,
      /command not found; it is a profile granted wrote .*`awsx sso /,
      /sync`.*sso_session, sso_account_id and sso_role_name/,
    ),
  );
});

test("another missing program: no granted hint", async () => {
  const e = await run("not-granted x").catch((x: Error) => x);
  expect((e as Error).message).toMatch(/could not start not-granted: command not found$/);
});

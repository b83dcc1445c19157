// `awsx add PROFILE` on a real pseudo-terminal (util-linux script): both answers are asked on
// the terminal and neither is echoed; the pair lands in the (encrypted) store and works.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AWSX_BIN, runAwsx } from "../helpers/awsx.js";
import { filesUnder, makeHome, type TempHome, writePrintCreds } from "../helpers/home.js";
import { needs } from "../helpers/requirements.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const KEYS = {
  id: "AKIAFAKEADDPTYKEY001",
  secret: "fakeAddPtySecret/+0000000000000000000001",
};

// Runs `command` on a fresh pty, answering each prompt that appears with its answer + Enter.
function answering(
  command: string,
  env: Record<string, string>,
  answers: Array<[string, string]>,
): Promise<{ code: number | null; terminal: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env, cwd: ROOT });
    let terminal = "";
    let next = 0;
    const onData = (b: Buffer) => {
      terminal += b.toString("utf8");
      const a = answers[next];
      if (a && terminal.includes(a[0])) {
        next++;
        setTimeout(() => child.stdin.write(`${a[1]}\r`), 100);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, terminal });
    });
  });
}

const describePty = await needs("script");

describePty("awsx add on a terminal", () => {
  let home: TempHome;
  beforeAll(() => {
    home = makeHome();
  });
  afterAll(() => home?.cleanup());

  test("asks for the id and the secret without echoing either; the pair is stored", async () => {
    const env = home.env({ AWSX_BACKEND: "file", AWSX_FILE_PASSPHRASE: "add-pty" });
    const r = await answering(`${process.execPath} ${AWSX_BIN} add ptyfoo`, env, [
      ["Access key id for ptyfoo: ", KEYS.id],
      ["Secret access key for ptyfoo: ", KEYS.secret],
    ]);
    expect({ code: r.code, terminal: r.terminal }).toEqual({
      code: 0,
      terminal: expect.stringContaining('stored keys AKIA…Y001 of profile "ptyfoo" in the file'),
    });
    expect(r.terminal).not.toContain(KEYS.secret);
    expect(r.terminal).not.toContain(KEYS.id);
    const print = writePrintCreds(home.dir);
    const child = await runAwsx(
      ["exec", "ptyfoo", "--no-session", "--", process.execPath, print],
      env,
    );
    expect(JSON.parse(child.stdout)).toMatchObject({ id: KEYS.id, secret: KEYS.secret });
    for (const f of filesUnder(home.dir))
      expect(readFileSync(f, "utf8")).not.toContain(KEYS.secret);
  });
});

// A session bus that never answers (issue 32, finding 3): a dbus-daemon stopped with SIGSTOP
// (its socket still accepts, no answer ever comes) and a socket that accepts and stays
// silent, at a path and in the abstract namespace. The keychain library connects
// synchronously and without a deadline, so before the bus probe (src/platform/busProbe.ts)
// every command hung for good. Now each gets an answer within the probe's bound: the
// default backend falls back and the command works; `--backend keychain` is 74 naming the bus.
import { createServer, type Server, type Socket } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { AWSX_BIN, runAwsx, type AwsxRun } from "../helpers/awsx.js";
import { makeHome, writePrintCreds, type TempHome } from "../helpers/home.js";
import { startPrivateKeyring, type PrivateKeyring } from "../helpers/keyring.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const ROLE = "arn:aws:iam::123456789012:role/bus-probe-role";
// Far above the probe's 2 s (a loaded machine), far below "for good": a run still going
// at this point is killed and counts as a hang.
const HANG_MS = 25_000;

let sts: FakeSts;
let home: TempHome;
let printCreds: string;
let dir: string;

beforeAll(async () => {
  sts = await startFakeSts();
  home = makeHome({
    config:
      `[profile target]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
      `endpoint_url = ${sts.url}\n`,
    credentials:
      "[src]\naws_access_key_id = AKIAFAKEBUSPROBE0001\n" +
      "aws_secret_access_key = fakeBusProbeSecret0000000000000000000001\n",
  });
  printCreds = writePrintCreds(home.dir);
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-bus-"));
});
afterAll(async () => {
  await sts?.close();
  home?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Runs {
  exec: AwsxRun;
  env: AwsxRun;
  credentialProcess: AwsxRun;
  whoami: AwsxRun;
  strict: AwsxRun;
  add: AwsxRun;
}

// The four commands with the default backend, and exec with --backend keychain, side by side.
async function runAll(address: string, tag: string): Promise<Runs> {
  const env = home.env({
    DBUS_SESSION_BUS_ADDRESS: address,
    AWSX_CACHE_DIR: path.join(dir, `cache-${tag}`),
  });
  const go = (args: string[]) => runAwsx(args, env, HANG_MS);
  const keys = "AKIAFAKEBUSPROBE0002\nfakeBusProbeSecret0000000000000000000002\n";
  const [exec, envRun, credentialProcess, whoami, strict, add] = await Promise.all([
    go(["exec", "target", "--", process.execPath, printCreds]),
    go(["env", "target"]),
    go(["credential-process", "target"]),
    go(["whoami", "target"]),
    go(["exec", "--backend", "keychain", "target", "--", "true"]),
    runAwsx(["add", "kept", "--stdin"], env, HANG_MS, AWSX_BIN, keys),
  ]);
  // The refused add recorded nothing: the index of stored keys has no "kept".
  const index = path.join(dir, `cache-${tag}`, "stored-keys");
  expect(existsSync(index) ? readFileSync(index, "utf8") : "").not.toMatch(/kept/);
  return { exec, env: envRun, credentialProcess, whoami, strict, add };
}

function expectAnswered(runs: Runs): void {
  const status = Object.fromEntries(
    Object.entries(runs).map(([k, r]) => [k, { code: r.code, signal: r.signal }]),
  );
  expect(status).toEqual({
    exec: { code: 0, signal: null },
    env: { code: 0, signal: null },
    credentialProcess: { code: 0, signal: null },
    whoami: { code: 0, signal: null },
    strict: { code: 74, signal: null },
    add: { code: 74, signal: null },
  });
  expect(JSON.parse(runs.exec.stdout)).toMatchObject({ profile: "target" });
  expect(runs.env.stdout).toMatch(/AWS_SESSION_TOKEN/);
  expect(JSON.parse(runs.credentialProcess.stdout)).toMatchObject({ Version: 1 });
  expect(runs.whoami.stdout).toMatch(/bus-probe-role/);
  expect(runs.strict.stderr).toMatch(
    /^awsx: .*the D-Bus session bus .* did not answer within 2000 ms.*\n$/,
  );
  // What must last is refused, naming the bus and the fix; nothing is recorded as stored.
  expect(runs.add.stderr).toMatch(
    joinRegExp(
      /^awsx: nowhere to keep the keys of profile "kept" \(nothing was /,
      /changed\): the D-Bus session bus does not answer .*restart the /,
      /session.*AWSX_FILE_PASSPHRASE/,
    ),
  );
}

// A unix socket that accepts every connection and never writes a byte, or (`first`) answers
// the first line of the handshake once, as a daemon would, and then nothing.
async function silentSocket(
  at: string,
  first?: string,
): Promise<{ server: Server; close: () => Promise<void> }> {
  const held: Socket[] = [];
  const server = createServer((s) => {
    held.push(s);
    s.on("error", () => {});
    if (first) s.once("data", () => s.write(first));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, resolve);
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of held) s.destroy();
      server.close(() => resolve());
    });
  return { server, close };
}

test.each([
  ["unix:path=", (p: string) => ({ listen: p, address: `unix:path=${p}` })],
  [
    "unix:abstract=",
    (p: string) => ({ listen: `\0${p}`, address: `unix:abstract=${p},guid=0123` }),
  ],
])(
  "a socket at %s that accepts and never answers: every command answers",
  async (_f, form) => {
    const { listen, address } = form(path.join(dir, `silent-${process.pid}`));
    const silent = await silentSocket(listen);
    try {
      expectAnswered(await runAll(address, listen.startsWith("\0") ? "abstract" : "path"));
    } finally {
      await silent.close();
    }
  },
  60_000,
);

test("a socket that answers the first handshake line, then nothing: " +
  "every command answers", async () => {
  const at = path.join(dir, `half-${process.pid}`);
  const half = await silentSocket(at, "OK 0123456789abcdef0123456789abcdef\r\n");
  try {
    expectAnswered(await runAll(`unix:path=${at}`, "half"));
  } finally {
    await half.close();
  }
}, 60_000);

const describeKeyring = await needs("dbus-daemon", "dbus-send", "gnome-keyring-daemon");

describeKeyring("a dbus-daemon stopped with SIGSTOP", () => {
  let kr: PrivateKeyring | undefined;
  beforeAll(async () => {
    kr = await startPrivateKeyring();
  }, 20_000);
  afterAll(async () => {
    await kr?.stop();
  }, 20_000);

  test("every command answers: the default backend falls back, " +
    "--backend keychain is 74", async () => {
    process.kill(kr!.busPid, "SIGSTOP");
    let runs: Runs;
    try {
      runs = await runAll(kr!.address, "stopped");
    } finally {
      process.kill(kr!.busPid, "SIGCONT");
    }
    expectAnswered(runs);
  }, 60_000);
});

// awsx exec --each against a real moto_server, with real child processes: credentials for
// 50 profiles first (each shared STS hop called once), bounded parallelism, exact prefixes,
// exit statuses, signals reaching every child, timeouts, floods. Runs the built bin/awsx.js.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runDetached, AWSX_BIN, fixture, runAwsx } from "../helpers/awsx.js";
import { startFakeSso, type FakeSso } from "../helpers/fakeSso.js";
import { makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto } from "../helpers/moto.js";
import { onPtySteps } from "../helpers/pty.js";
import { needs } from "../helpers/requirements.js";

const NODE = process.execPath;
const MFA_SERIAL = "arn:aws:iam::123456789012:mfa/foo";
const CODE = "987123";
const PROD = Array.from({ length: 40 }, (_, i) => `prod-${String(i).padStart(2, "0")}`);
const DEV = Array.from({ length: 10 }, (_, i) => `dev-${String(i).padStart(2, "0")}`);
const SIG = ["sig-a", "sig-b", "sig-c", "sig-d"];
const STATIC =
  "aws_access_key_id = AKIAFAKESTATIC000001\naws_secret_access_key = fakeSecret00000000";

const describeIf = await needs("moto_server");

describeIf("awsx exec --each against moto", () => {
  let moto: Moto;
  let home: TempHome;
  let work: string;

  beforeAll(async () => {
    moto = await startMoto();
    const foo = await moto.createUser("foo");
    const config: string[] = [];
    const hub = await moto.createRole("hub-role");
    config.push("[profile hub]", `role_arn = ${hub.arn}`, "source_profile = foo");
    config.push(`mfa_serial = ${MFA_SERIAL}`, "");
    for (const p of PROD) {
      const { arn } = await moto.createRole(`${p}-role`);
      config.push(`[profile ${p}]`, `role_arn = ${arn}`, "source_profile = foo");
      config.push(`mfa_serial = ${MFA_SERIAL}`, "");
    }
    for (const p of DEV) {
      const { arn } = await moto.createRole(`${p}-role`);
      config.push(`[profile ${p}]`, `role_arn = ${arn}`, "source_profile = hub", "");
    }
    config.push("[profile broken]", `role_arn = ${hub.arn}`, "source_profile = missing", "");
    for (const p of SIG) config.push(`[profile ${p}]`, STATIC, "");
    config.push(
      "[sso-session acme]",
      "sso_start_url = https://acme.awsapps.com/start",
      "sso_region = us-east-1",
      "# BEGIN awsx sso sync acme",
      "[profile acme/Admin]",
      "sso_session = acme",
      "sso_account_id = 111122223333",
      "sso_role_name = Admin",
      "",
      "[profile acme/Read]",
      "sso_session = acme",
      "sso_account_id = 111122223333",
      "sso_role_name = Read",
      "# END awsx sso sync acme",
      "",
    );
    home = makeHome({
      credentials: keysSection("foo", foo),
      config: config.join("\n"),
    });
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    home?.cleanup();
  }, 20_000);

  beforeEach(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), "awsx-each-"));
    await moto.startRecording();
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1", ...extra });
  const awsx = (args: string[], extra = {}, input?: string) =>
    runAwsx(args, env(extra), 120_000, AWSX_BIN, input);
  const sts = async () => (await moto.recordedCalls()).filter((c) => c.service === "sts");
  const count = async (action: string) => (await sts()).filter((c) => c.action === action).length;

  test("50 profiles: one GetSessionToken, one AssumeRole per role (the hub once), " +
    "each child its own keys", async () => {
    const r = await awsx([
      "exec",
      ...["--each", "prod-*", "--each", "dev-*", "--each", "prod-03"],
      ...["--mfa-token", CODE, "--backend", "none", "-j", "8"],
      ...["--", "sh", "-c", 'echo "$AWSX_PROFILE $AWS_ACCESS_KEY_ID $AWSX_EXEC_PROFILE"'],
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(await count("GetSessionToken")).toBe(1);
    expect(await count("AssumeRole")).toBe(40 + 1 + 10);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(50);
    const keys = new Map<string, string>();
    for (const line of lines) {
      const m = /^(\S+) +\| (\S+) (\S+) (\S+)$/.exec(line);
      expect(m && m[1] === m[2] && m[2] === m[4]).toBe(true);
      keys.set(m![1]!, m![3]!);
    }
    expect([...keys.keys()].sort()).toEqual([...DEV, ...PROD].sort());
    expect(new Set(keys.values()).size).toBe(50);
    for (const [profile, key] of keys)
      expect(await moto.arnOf(key)).toMatch(new RegExp(`:assumed-role/${profile}-role/`));
    expect(r.stderr).toContain("50 of 50 succeeded");
  }, 120_000);

  test("one MFA prompt on a real terminal for 50 targets behind one MFA session", async () => {
    const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [NODE, AWSX_BIN, "exec", "--each", "prod-*", "--each", "dev-*"]
      .concat(["--backend", "none", "--", "true"])
      .map(sh)
      .join(" ");
    const r = await onPtySteps(
      command,
      env({ TERM: "dumb" }),
      [{ after: "MFA code", type: `${CODE}\r` }],
      {
        cwd: work,
        timeoutMs: 90_000,
      },
    );
    expect(r.code).toBe(0);
    expect(r.terminal.match(/Enter MFA code/g)).toHaveLength(1);
    expect(await count("GetSessionToken")).toBe(1);
    expect(await count("AssumeRole")).toBe(51);
  }, 120_000);

  test("-j 4: four run at once, never five", async () => {
    const r = await awsx([
      "exec",
      ...["--each", "prod-0*", "--mfa-token", CODE, "--backend", "none", "-j", "4"],
      ...["--", NODE, fixture("barrier.mjs"), work, "4", "10"],
    ]);
    expect(r.code).toBe(0);
    const most = [...r.stdout.matchAll(/max=(\d+)/g)].map((m) => Number(m[1]));
    expect(most).toHaveLength(10);
    expect(Math.max(...most)).toBe(4);
  }, 120_000);

  test("prefixes stay exact while 8 children write lines in pieces at once", async () => {
    const r = await awsx([
      "exec",
      ...["--each", "prod-0[0-7]", "--mfa-token", CODE, "--backend", "none", "-j", "8"],
      ...["--", NODE, fixture("lines.mjs"), "300"],
    ]);
    expect(r.code).toBe(0);
    const seen = new Map<string, number>();
    for (const line of r.stdout.trimEnd().split("\n")) {
      const m = /^(prod-0[0-7]) \| (prod-0[0-7]) line (\d+)$/.exec(line);
      expect(m?.[1]).toBe(m?.[2]);
      expect(Number(m![3])).toBe(seen.get(m![1]!) ?? 0);
      seen.set(m![1]!, Number(m![3]) + 1);
    }
    expect([...seen.values()]).toEqual(Array(8).fill(300));
  }, 120_000);

  test("exit statuses: 0 when all succeed, 123 when one fails; " +
    "JSON lines per profile", async () => {
    const failing = [
      "sh",
      "-c",
      'case "$AWSX_PROFILE" in sig-b) exit 3;; sig-c) kill -KILL $$;; esac',
    ];
    const r = await awsx(["exec", "--each", "sig-*", "--output", "json", "--", ...failing]);
    expect(r.code).toBe(123);
    const rows = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const by = Object.fromEntries(rows.map((x) => [x.profile, x]));
    expect(Object.keys(by).sort()).toEqual(SIG);
    expect(by["sig-a"]).toMatchObject({ status: "exited", exitCode: 0, signal: null });
    expect(by["sig-b"]).toMatchObject({ status: "exited", exitCode: 3 });
    expect(by["sig-c"]).toMatchObject({ status: "signaled", exitCode: null, signal: "SIGKILL" });
    expect(r.stderr).toMatch(/sig-b +exit 3 /);
    expect(r.stderr).toContain("2 of 4 succeeded (exit 123)");
    const ok = await awsx(["exec", "--each", "sig-*", "--", "true"]);
    expect(ok.code).toBe(0);
    const missing = await awsx(["exec", "--each", "sig-a", "--", "no-such-command-x"]);
    expect(missing.code).toBe(123);
    expect(missing.stderr).toMatch(/sig-a +command not found/);
  }, 60_000);

  test("--output grouped: each profile's output in one piece, " +
    "stdout and stderr apart", async () => {
    const script = 'echo "out of $AWSX_PROFILE"; echo "err of $AWSX_PROFILE" >&2; printf tail';
    const r = await awsx([
      "exec",
      "--each",
      "sig-[ab]",
      "-j",
      "1",
      "--output",
      "grouped",
      "--",
      "sh",
      "-c",
      script,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("==> sig-a <==\nout of sig-a\ntail\n==> sig-b <==\nout of sig-b\ntail\n");
    expect(r.stderr).toMatch(
      /^==> sig-a \(stderr\) <==\nerr of sig-a\n==> sig-b \(stderr\) <==\nerr of sig-b\n/,
    );
  }, 60_000);

  test("a profile that cannot be resolved: nothing runs (its own code); " +
    "--keep-going runs the rest", async () => {
    const args = ["--each", "sig-a", "--each", "broken", "--", "sh", "-c", "echo ran"];
    const r = await awsx(["exec", ...args]);
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("1 of 2 profiles have no credentials; nothing was run");
    const k = await awsx(["exec", "--keep-going", ...args]);
    expect(k.code).toBe(123);
    expect(k.stdout).toBe("sig-a  | ran\n");
    expect(k.stderr).toMatch(/broken +no credentials/);
  }, 60_000);

  test("--dry-run lists each profile's route offline (no STS call), " +
    "--each-sync included", async () => {
    const r = await awsx([
      "exec",
      "--dry-run",
      "--each",
      "dev-0[01]",
      "--each-sync",
      "acme",
      "--",
      "aws",
      "s3",
      "ls",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "would run aws s3 ls in 4 profile(s), 2 at a time:".replace(
          "2 at",
          `${Math.min(4, os.availableParallelism())} at`,
        ),
        "PROFILE     CREDENTIALS",
        `dev-00      static(foo) → ` +
          `getSessionToken(${MFA_SERIAL}) → assumeRole(arn:aws:iam::123456789012:role/hub-role) ` +
          `→ assumeRole(arn:aws:iam::123456789012:role/dev-00-role)`,
        `dev-01      static(foo) → ` +
          `getSessionToken(${MFA_SERIAL}) → assumeRole(arn:aws:iam::123456789012:role/hub-role) ` +
          `→ assumeRole(arn:aws:iam::123456789012:role/dev-01-role)`,
        "acme/Admin  sso(111122223333/Admin)",
        "acme/Read   sso(111122223333/Read)",
        "",
      ].join("\n"),
    );
    expect(await sts()).toEqual([]);
  }, 60_000);

  test("--each-from a file and stdin: names one a line, each once", async () => {
    const r = await awsx(
      ["exec", "--each-from", "-", "--", "sh", "-c", 'echo "$AWSX_PROFILE"'],
      {},
      "# mine\nsig-b\n\nsig-a\nsig-b\n",
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").sort().join("\n")).toBe("\nsig-a | sig-a\nsig-b | sig-b");
  }, 60_000);

  test("limits: an empty glob and too many profiles are usage errors (64)", async () => {
    const none = await awsx(["exec", "--each", "nope-*", "--", "true"]);
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('--each "nope-*" matches no profile');
    const many = await awsx(["exec", "--each", "prod-*", "--max", "10", "--", "true"]);
    expect(many.code).toBe(64);
    expect(many.stderr).toContain("pass --max 40 to run them all");
    expect(await sts()).toEqual([]);
  }, 60_000);

  test("a reader that goes away (| head -2): output dropped, " +
    "every command still runs, no crash", async () => {
    const cmd =
      `${NODE} ${AWSX_BIN} exec --each 'sig-*' -- sh -c 'yes | head -n ` +
      `100000; touch ${work}/$AWSX_PROFILE' | head -n 2; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const r = await runDetached("bash", ["-c", cmd], env(), 60_000);
    // The first two lines, whichever commands wrote them (they run in parallel), prefixed.
    expect(r.stdout).toMatch(/^sig-[a-d] \| y\nsig-[a-d] \| y\n$/);
    expect(r.stderr).toContain("4 of 4 succeeded");
    expect(r.stderr).toContain("rc=0");
    expect(r.stderr).not.toContain("EPIPE");
    expect(readdirSync(work).sort()).toEqual(SIG);
  }, 60_000);

  test("--timeout stops a child that hangs (SIGTERM to it) and reports it", async () => {
    const file = path.join(work, "signals");
    const r = await awsx([
      "exec",
      "--each",
      "sig-a",
      "--timeout",
      "1",
      "--",
      NODE,
      fixture("forever.mjs"),
      file,
    ]);
    expect(r.code).toBe(123);
    expect(r.stderr).toMatch(/sig-a +timed out after 1s/);
    expect(readFileSync(file, "utf8")).toBe("got SIGTERM\n");
  }, 60_000);

  test("a flood: lines cut at 64 KiB, memory bounded while 256 MiB pass", async () => {
    const long = await awsx([
      "exec",
      "--each",
      "sig-a",
      "--",
      NODE,
      "-e",
      'process.stdout.write("x".repeat(200000))',
    ]);
    expect(long.code).toBe(0);
    expect(long.stdout.split("\n").map((l) => l.length)).toEqual([65544, 65544, 65544, 3400, 0]);
    // awsx's output counted, not kept (the test must not hold it either).
    const time = ["-f", "maxrss=%M", NODE, AWSX_BIN, "exec", "--each", "sig-a", "--"];
    const child = spawn("/usr/bin/time", [...time, NODE, fixture("big-output.mjs"), "256"], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let bytes = 0;
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (bytes += d.length));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once("close", r));
    expect(code).toBe(0);
    // 256 MiB and one prefix "sig-a | " per line (a newline every 256 bytes in the pattern).
    expect(bytes).toBeGreaterThan(256 << 20);
    // Measured: 57 MB for `true`, 116 MB for 128 MiB, 124 MB for 512 MiB of output.
    const kb = Number(/maxrss=(\d+)/.exec(stderr)?.[1]);
    expect(kb).toBeLessThan(200 * 1024);
  }, 180_000);

  describe("signals reach every child; none outlives awsx", () => {
    // awsx running sh (which execs `inner`) in each sig-* profile; resolves once every
    // child said ready, with their pids.
    function start(inner: string, extra: string[] = []) {
      const script = `echo pid=$$; exec ${inner}`;
      const child = spawn(
        NODE,
        [AWSX_BIN, "exec", "--each", "sig-*", "-j", "4", ...extra, "--", "sh", "-c", script],
        {
          env: env(),
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        child.once("close", (code, signal) => r({ code, signal })),
      );
      const ready = new Promise<number[]>((resolve) => {
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          if ((out.match(/\| ready$/gm) ?? []).length === SIG.length)
            resolve([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
        });
      });
      const pids = () => [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      return { child, ended, ready, pids, stderr: () => err };
    }
    // Whether any process of the group `pid` leads still runs (a zombie, dead but not yet
    // reaped by whoever inherited it, does not).
    const alive = (pid: number) =>
      readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .some((d) => {
          let stat: string;
          try {
            stat = readFileSync(`/proc/${d}/stat`, "utf8");
          } catch {
            return false;
          }
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          return Number(pgrp) === pid && state !== "Z";
        });

    test("SIGTERM to awsx: forwarded to each child, awsx dies of SIGTERM, " +
      "no child left", async () => {
      const run = start(`${NODE} ${fixture("forever.mjs")} ${work}/$AWSX_PROFILE`);
      const pids = await run.ready;
      expect(pids).toHaveLength(4);
      run.child.kill("SIGTERM");
      expect(await run.ended).toEqual({ code: null, signal: "SIGTERM" });
      expect(pids.filter(alive)).toEqual([]);
      for (const p of SIG) expect(readFileSync(path.join(work, p), "utf8")).toBe("got SIGTERM\n");
      // forever.mjs exits 0 on SIGTERM: the summary says so.
      expect(run.stderr()).toMatch(
        /SIGTERM: starting no more commands; passed on to the 4 running/,
      );
      expect(run.stderr()).toContain("4 of 4 succeeded");
    }, 60_000);

    test("SIGINT once reaches each child once; a second SIGINT kills those that stay", async () => {
      // forever.mjs records SIGINT and keeps running.
      const run = start(`${NODE} ${fixture("forever.mjs")} ${work}/$AWSX_PROFILE`);
      const pids = await run.ready;
      run.child.kill("SIGINT");
      const recorded = () =>
        SIG.every((p) => {
          try {
            return readFileSync(path.join(work, p), "utf8") === "got SIGINT\n";
          } catch {
            return false;
          }
        });
      while (!recorded()) await new Promise((r) => setTimeout(r, 50));
      expect(pids.filter(alive)).toHaveLength(4);
      run.child.kill("SIGINT");
      expect(await run.ended).toEqual({ code: null, signal: "SIGINT" });
      expect(pids.filter(alive)).toEqual([]);
    }, 60_000);

    test("what a child started dies with it (its process group), " +
      "and -j bounds what starts", async () => {
      // sh ignores SIGTERM and waits on a sleep: the signal reaches the sleep through the group.
      const run = start(`sh -c 'trap "" TERM; echo ready; sleep 60; sleep 60'`, ["-j", "2"]);
      try {
        while (run.pids().length < 2) await new Promise((r) => setTimeout(r, 50));
        run.child.kill("SIGTERM");
        while (!/passed on to the 2 running/.test(run.stderr()))
          await new Promise((r) => setTimeout(r, 50));
        expect(run.pids().filter(alive)).toHaveLength(2); // they ignore SIGTERM
        run.child.kill("SIGTERM");
        expect(await run.ended).toEqual({ code: null, signal: "SIGTERM" });
        expect(run.pids()).toHaveLength(2); // with -j 2, the other two never started
        expect(run.pids().filter(alive)).toEqual([]);
        expect(run.stderr()).toMatch(/sig-c +not started/);
      } finally {
        for (const pid of [run.child.pid!, ...run.pids()])
          try {
            process.kill(-pid, "SIGKILL");
          } catch {
            // gone, as it should be
          }
      }
    }, 60_000);
  });
});

describe("awsx exec --each over SSO profiles of one session", () => {
  const ROLES = ["R1", "R2", "R3", "R4", "R5", "R6"];
  let fake: FakeSso;
  let home: TempHome;

  beforeAll(async () => {
    fake = await startFakeSso({
      accounts: [{ accountId: "111122223333", accountName: "corp", roles: ROLES }],
      roleKeys: () => ({
        accessKeyId: "ASIAFAKESSO000000001",
        secretAccessKey: "fakeSsoSecret",
        sessionToken: "FwoFAKESSOSESSIONTOKEN",
      }),
    });
    const session = [
      "[sso-session corp]",
      "sso_start_url = https://corp.awsapps.com/start",
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
    ];
    const profiles = ROLES.flatMap((r) => [
      `[profile corp/${r}]`,
      "sso_session = corp",
      "sso_account_id = 111122223333",
      `sso_role_name = ${r}`,
      "",
    ]);
    home = makeHome({ config: [...session, ...profiles].join("\n") });
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    home?.cleanup();
  });

  test("an expired token refreshed once (one CreateToken) for six profiles, " +
    "one GetRoleCredentials each", async () => {
    const dir = path.join(home.dir, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    const t = fake.mintToken();
    fake.expireAccessTokens();
    const token = {
      startUrl: "https://corp.awsapps.com/start",
      region: "us-east-1",
      ...t,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const key = createHash("sha1").update("corp").digest("hex");
    writeFileSync(path.join(dir, `${key}.json`), JSON.stringify(token), { mode: 0o600 });
    const r = await runDetached(
      NODE,
      [
        AWSX_BIN,
        "exec",
        "--each",
        "corp/*",
        "--backend",
        "none",
        "--",
        "sh",
        "-c",
        'echo "$AWS_ACCESS_KEY_ID"',
      ],
      home.env({
        AWS_ENDPOINT_URL_SSO: fake.url,
        AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
        AWSX_CACHE_DIR: path.join(home.dir, "awsx-cache"),
        CI: "true",
      }),
      60_000,
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(6);
    expect(fake.count("CreateToken")).toBe(1);
    expect(fake.count("GetRoleCredentials")).toBe(6);
  }, 60_000);
});

describe("awsx exec --each: credentials that near their end before a child starts", () => {
  let home: TempHome;
  beforeAll(() => {
    const helper = fixture("counting-process.mjs");
    home = makeHome();
    const config = ["proc-a", "proc-b"].flatMap((p) => [
      `[profile ${p}]`,
      `credential_process = ${NODE} ${helper} ${path.join(home.dir, `${p}.calls`)}`,
      "",
    ]);
    writeFileSync(home.configFile, config.join("\n"));
  });
  afterAll(() => home?.cleanup());

  test("keys with less than AWSX_MIN_TTL left (16 of 20 minutes) " +
    "are fetched again just before the child starts", async () => {
    const r = await runDetached(
      NODE,
      [
        AWSX_BIN,
        "exec",
        "--each",
        "proc-*",
        "-j",
        "1",
        "--",
        "sh",
        "-c",
        'echo "$AWS_ACCESS_KEY_ID"',
      ],
      home.env({ AWSX_CACHE_DIR: path.join(home.dir, "awsx-cache"), AWSX_MIN_TTL: "1200" }),
      60_000,
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    for (const p of ["proc-a", "proc-b"])
      expect(readFileSync(path.join(home.dir, `${p}.calls`), "utf8")).toBe("call\ncall\n");
    expect(r.stdout).toBe("proc-a | ASIACALL000000000002\nproc-b | ASIACALL000000000002\n");
  }, 60_000);
});

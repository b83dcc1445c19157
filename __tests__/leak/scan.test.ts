// No leak: every line awsx writes, in the whole test suite, is scanned for secrets.
//
// scripts/test.sh runs the suite with AWSX_LOG_FILE set: each awsx appends every line it
// writes to that file, debug lines included whatever --debug says, after the same redaction
// as stderr (src/util/log.ts). The main jest pass fills it; this file runs alone afterwards,
// in a second pass, so the log is complete when it is read. It
// 1. runs its own scenarios under --debug and checks awsx's real stdout/stderr too (which
//    also catches anything written around the logger), including an STS whose error
//    messages echo the caller's secret and token back (SDK errors must be scrubbed), and
//    checks that the child's environment is the only place the keys go;
// 2. scans the whole log: by pattern (anything shaped like an access key id, a secret access
//    key or a session token), by the fixed prefixes the fake STS and moto give every session
//    token, and exactly (every static secret and MFA code the test suite uses, harvested from
//    the test sources), after checking the log is not vacuous.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { makeHome, type TempHome } from "../helpers/home.js";
import { needs } from "../helpers/requirements.js";
import { type AwsxRun, ROOT, runAwsx } from "../helpers/awsx.js";

const LOG = process.env.AWSX_LOG_FILE ?? "";
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/leak-role`;
const MFA_ROLE = `arn:aws:iam::${ACCOUNT}:role/leak-mfa-role`;
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/leak-user`;
// Used only here, so a hit in the log is this file's.
const MFA_CODE = "918273";
const WRONG_CODE = "564738";
const STATIC = {
  id: "AKIAFAKELEAKSCAN0001",
  secret: "fakeLeakScanSecretKey/+00000000000000001",
  token:
    "fakeLeakScanSessionToken00000000000000000000000000000000000000000000000000000000000000000000" +
    "00000000000001",
};

const describeLeak = await needs({
  name: "AWSX_LOG_FILE (the whole suite's awsx log)",
  probe: () => LOG !== "" && existsSync(LOG),
  hint:
    "run `npm test` (scripts/test.sh), which runs the suite with AWSX_LOG_FILE set and " +
    "then this file",
});

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

// ---- what looks like a secret ------------------------------------------------------------

// An access key id (long-term AKIA or temporary ASIA) in full.
const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
// A secret access key: exactly 40 base64 characters, mixed case (a hex digest never is).
const SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
// A session token: a long unbroken base64 run.
const TOKEN = /[A-Za-z0-9/+=]{100,}/g;

// Random base64 of this length has upper and lower case letters and digits (a hex digest, a
// path or a run of one letter has not).
const looksRandom = (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);

function patternHits(text: string): Array<{ kind: string; match: string; line: string }> {
  const hits: Array<{ kind: string; match: string; line: string }> = [];
  for (const line of text.split("\n")) {
    for (const m of line.matchAll(KEY_ID)) hits.push({ kind: "access key id", match: m[0], line });
    for (const m of line.matchAll(SECRET_KEY))
      if (looksRandom(m[0])) hits.push({ kind: "secret access key", match: m[0], line });
    for (const m of line.matchAll(TOKEN))
      if (looksRandom(m[0])) hits.push({ kind: "session token", match: m[0], line });
  }
  return hits.map((h) => ({ ...h, match: h.match.slice(0, 200), line: h.line.slice(0, 300) }));
}

// Static secrets and MFA codes written in the test sources (configs, constants, fixtures).
function harvest(): { secrets: Set<string>; codes: Set<string> } {
  const secrets = new Set<string>();
  const codes = new Set<string>();
  const SECRET_PATTERNS = [
    /aws_secret_access_key\s*=\s*([^\s"'`$\\]+)/g,
    /aws_session_token\s*=\s*([^\s"'`$\\]+)/g,
    /secretAccessKey:\s*["'`]([^"'`$]+)/g,
    /SessionToken:\s*["'`]([^"'`$]+)/g,
    /\b\w*(?:SECRET|TOKEN)\w*\s*[:=]\s*["'`]([^"'`$]+)/gi,
  ];
  const CODE_PATTERNS = [
    /mfa-token["',\s]+["'`]?(\d{6})\b/g,
    /MFA_TOKEN["'`]?\s*[:=]\s*["'`](\d{6})/g,
    /\b(?:MFA_)?CODE\s*=\s*["'`](\d{6})/g,
    /\b(?:code|TokenCode):\s*["'`](\d{6})/g,
  ];
  for (const file of walk(path.join(ROOT, "__tests__"))) {
    if (!/\.(ts|mjs|cjs|js|sh)$/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    // Credential-shaped values only (a message text such as `ExpiredToken: "The
    // security..."` is not one).
    for (const re of SECRET_PATTERNS)
      for (const m of text.matchAll(re)) if (/^\S{16,}$/.test(m[1]!)) secrets.add(m[1]!);
    for (const re of CODE_PATTERNS) for (const m of text.matchAll(re)) codes.add(m[1]!);
  }
  // Codes that are parts of the test account id would match everywhere; none is in use.
  for (const c of codes) if (ACCOUNT.includes(c)) codes.delete(c);
  return { secrets, codes };
}

describeLeak("no secret in anything awsx writes", () => {
  let sts: FakeSts;
  let home: TempHome;
  let childDump: string;
  let cacheDir: string;
  // The part of the log the main pass wrote, before this file's own runs.
  let mainPassLog = "";
  const childSeen: Array<Record<string, string>> = [];
  const awsxOutput: string[] = [];

  beforeAll(async () => {
    mainPassLog = readFileSync(LOG, "utf8");
    sts = await startFakeSts();
    home = makeHome({
      config: [
        `[profile leak]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = us-east-1\n` +
          `endpoint_url = ${sts.url}\n`,
        `[profile leak-mfa]\nrole_arn = ${MFA_ROLE}\nsource_profile = src\n` +
          `mfa_serial = ${MFA_SERIAL}\nregion = us-east-1\nendpoint_url = ${sts.url}\n`,
      ].join("\n"),
      credentials:
        `[src]\naws_access_key_id = ${STATIC.id}\n` +
        `aws_secret_access_key = ${STATIC.secret}\naws_session_token = ${STATIC.token}\n`,
    });
    cacheDir = path.join(home.dir, "awsx-cache");
    // The child records its credentials, and what it can see of awsx (its parent): the
    // command line and the environment awsx was started with.
    childDump = path.join(home.dir, "child-dump.mjs");
    writeFileSync(
      childDump,
      `import { readFileSync, appendFileSync } from "node:fs";
const read = (p) => { try { return readFileSync(p, "latin1"); } catch { return ""; } };
appendFileSync(process.argv[2], JSON.stringify({ id: process.env.AWS_ACCESS_KEY_ID, secret: ` +
        `process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN, parentCmdline: ` +
        `read("/proc/" + process.ppid + "/cmdline"), parentEnviron: ` +
        `read("/proc/" + process.ppid + "/environ") }) + "\\n");\n`,
    );
  });
  afterAll(async () => {
    await sts?.close();
    home?.cleanup();
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({ AWSX_CACHE_DIR: cacheDir, AWSX_FILE_PASSPHRASE: "leak scan passphrase", ...extra });
  const record = (r: AwsxRun) => awsxOutput.push(r.stdout, r.stderr);

  test(
    "exec --debug (cold, then warm from the file cache): " +
      "the keys reach the child's environment and nowhere else",
    async () => {
      const dump = path.join(home.dir, "dump.jsonl");
      for (let i = 0; i < 2; i++) {
        const r = await runAwsx(
          ["exec", "--debug", "--backend", "file", "leak", "--", process.execPath, childDump, dump],
          env(),
        );
        record(r);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/awsx\[debug\]: /);
      }
      const seen = readFileSync(dump, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, string>);
      expect(seen).toHaveLength(2);
      expect(seen[1]!.secret).toBe(seen[0]!.secret); // the warm run used the cached session
      for (const s of seen) {
        expect(s.id).toMatch(/^ASIA/);
        expect(sts.identityOf(s.id!)?.arn).toMatch(/assumed-role\/leak-role\//);
        for (const v of [s.id!, s.secret!, s.token!]) {
          expect(s.parentCmdline!.includes(v)).toBe(false);
          expect(s.parentEnviron!.includes(v)).toBe(false);
        }
        childSeen.push(s);
      }
      expect(sts.count("AssumeRole")).toBe(1);
      // On disk only encrypted: no key in plain text under HOME (cache folder included).
      for (const f of walk(home.dir)) {
        if (f === dump) continue; // the child's own record of what it got
        const bytes = readFileSync(f);
        for (const s of seen)
          for (const v of [s.secret!, s.token!])
            expect({ f, leaked: bytes.includes(v) }).toEqual({ f, leaked: false });
      }
    },
  );

  test(
    "an STS that echoes the caller's secret key and token in its error: " +
      "awsx's message and --debug cause are scrubbed",
    async () => {
      sts.behave({
        error: {
          status: 403,
          code: "ExpiredToken",
          message: `The security token ${STATIC.token} signed with ${STATIC.secret} is expired`,
        },
      });
      try {
        for (const flags of [[], ["--debug"]]) {
          const r = await runAwsx(
            ["exec", ...flags, "--backend", "none", "leak", "--", "true"],
            env(),
          );
          record(r);
          expect(r.code).toBe(77);
          expect(r.stderr).toContain("[redacted]");
          expect(r.stderr).not.toContain(STATIC.secret);
          expect(r.stderr).not.toContain(STATIC.token);
          if (flags.length) expect(r.stderr).toContain("awsx[debug]: cause: ");
        }
      } finally {
        sts.behave(undefined);
      }
    },
  );

  // The credentials of an intermediate hop, fresh from STS, are known to the redactor while
  // the next hop runs: an error text carrying them (here an STS that echoes the caller's
  // session token; real STS does not) is scrubbed. Run without AWSX_LOG_FILE, so the
  // suite's log stays clean for the scan below.
  test(
    "a chain whose second hop's error echoes the first hop's fresh session " + "token: scrubbed",
    async () => {
      const { createServer } = await import("node:http");
      const { successXml, errorXml } = await import("../helpers/stsXml.js");
      const hop1 = {
        AccessKeyId: "ASIAFAKECHAINHOPX001",
        SecretAccessKey: "chainHop1SecretKey/+0000000000000000000X",
        SessionToken: `chainHop1Token${"Q".repeat(80)}9x`,
        Expiration: new Date(Date.now() + 3_600_000),
      };
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d));
        req.on("end", () => {
          const p = new URLSearchParams(body);
          const first = (p.get("RoleArn") ?? "").endsWith("/chain-hop1");
          const xml = first
            ? successXml("AssumeRole", {
                Credentials: hop1,
                AssumedRoleUser: {
                  AssumedRoleId: "AROAFAKE:s",
                  Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/chain-hop1/s`,
                },
              })
            : errorXml(
                "ExpiredToken",
                `The security token ${String(req.headers["x-amz-security-token"])} is expired`,
                "Sender",
              );
          res.writeHead(first ? 200 : 403, { "Content-Type": "text/xml" });
          res.end(xml);
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      try {
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        writeFileSync(
          home.configFile,
          readFileSync(home.configFile, "utf8") +
            `\n[profile chain-hop1]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/chain-hop1\n` +
            `source_profile = src\nendpoint_url = ${url}\n` +
            `\n[profile chain-hop2]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/chain-hop2\n` +
            `source_profile = chain-hop1\nendpoint_url = ${url}\n`,
        );
        const r = await runAwsx(
          ["exec", "--debug", "--backend", "none", "chain-hop2", "--", "true"],
          env({ AWSX_LOG_FILE: undefined }),
        );
        expect(r.code).toBe(77);
        expect(r.stderr).toContain("is expired");
        expect(r.stderr).not.toContain(hop1.SessionToken);
      } finally {
        server.close();
      }
    },
  );

  test(
    "MFA: the code given with --mfa-token or AWSX_MFA_TOKEN never appears, " +
      "also when STS rejects it",
    async () => {
      sts.setMfa({ serial: MFA_SERIAL, code: MFA_CODE });
      try {
        for (const [code, want] of [
          [WRONG_CODE, 77],
          [MFA_CODE, 0],
        ] as const) {
          const viaFlag = await runAwsx(
            ["exec", "--debug", "--backend", "none", "--mfa-token", code, "leak-mfa", "--", "true"],
            env(),
          );
          const viaEnv = await runAwsx(
            ["exec", "--debug", "--backend", "none", "leak-mfa", "--", "true"],
            env({ AWSX_MFA_TOKEN: code }),
          );
          for (const r of [viaFlag, viaEnv]) {
            record(r);
            expect(r.code).toBe(want);
            expect(r.stderr).not.toMatch(new RegExp(`\\b${code}\\b`));
          }
        }
      } finally {
        sts.setMfa(undefined);
      }
      expect(sts.calls.some((c) => c.params.TokenCode === MFA_CODE)).toBe(true);
    },
  );

  test(
    "env, credential-process, whoami and list --debug: " +
      "secrets only on stdout where the command exists to print them",
    async () => {
      const e = await runAwsx(["env", "--debug", "--backend", "file", "leak"], env());
      const cp = await runAwsx(
        ["credential-process", "--debug", "--backend", "file", "leak"],
        env(),
      );
      const who = await runAwsx(["whoami", "--debug", "--backend", "file", "leak"], env());
      const list = await runAwsx(["list", "--debug", "--json", "--backend", "file"], env());
      for (const r of [e, cp, who, list]) {
        expect(r.code).toBe(0);
        awsxOutput.push(r.stderr);
      }
      awsxOutput.push(who.stdout, list.stdout);
      const secret = childSeen[0]!.secret!;
      expect(e.stdout).toContain(`export AWS_SECRET_ACCESS_KEY='${secret}'`);
      expect(JSON.parse(cp.stdout)).toMatchObject({ Version: 1, SecretAccessKey: secret });
      for (const r of [e, cp, who, list]) expect(r.stderr).not.toContain(secret);
    },
  );

  test(
    "everything awsx printed in this file's scenarios: no secret, " + "by value and by pattern",
    () => {
      const all = awsxOutput.join("\n");
      expect(all.length).toBeGreaterThan(1000);
      for (const s of childSeen)
        for (const v of [s.id!, s.secret!, s.token!]) expect(all.includes(v)).toBe(false);
      for (const v of [STATIC.id, STATIC.secret, STATIC.token]) expect(all.includes(v)).toBe(false);
      expect(patternHits(all)).toEqual([]);
    },
  );

  describe("the whole suite's log", () => {
    let log = "";
    beforeAll(() => {
      log = readFileSync(LOG, "utf8");
    });

    test(
      "is not vacuous: the main pass logged debug lines from many awsx runs, " +
        "errors with causes among them",
      () => {
        const debug = mainPassLog.split("\n").filter((l) => l.includes("awsx[debug]: "));
        const pids = new Set(debug.map((l) => /^\[(\d+)\]/.exec(l)?.[1]));
        process.stderr.write(
          `leak/scan: ${LOG}: ${mainPassLog.length} bytes from ` +
            `the main pass, ${debug.length} debug lines ` +
            `from ${pids.size} awsx processes; ${log.length} bytes in all\n`,
        );
        expect(debug.length).toBeGreaterThanOrEqual(50);
        expect(pids.size).toBeGreaterThanOrEqual(20);
        expect(mainPassLog).toMatch(/awsx\[debug\]: cause: /);
        expect(mainPassLog).toMatch(/awsx\[debug\]: profile \S+: AssumeRole /);
        expect(mainPassLog).toMatch(/^\[\d+\] awsx: /m);
        // And this file's runs are in it too (the log is the one awsx wrote to).
        expect(log.length).toBeGreaterThan(mainPassLog.length);
        expect(log).toContain("leak-role");
      },
    );

    test(
      "holds nothing shaped like an access key id, " + "a secret access key or a session token",
      () => {
        expect(patternHits(log)).toEqual([]);
      },
    );

    test(
      "holds no session token issued by the fake STS or moto (both start their tokens with a " +
        "fixed prefix)",
      () => {
        // The fake's prefix, read from the helper so this cannot drift from it;
        // moto's from moto/sts/utils.py.
        const fake = /SessionToken: `([A-Za-z0-9]{12,})\$\{/.exec(
          readFileSync(path.join(ROOT, "__tests__", "helpers", "fakeSts.ts"), "utf8"),
        )?.[1];
        expect(fake).toBe("FwoGZXIvYXdzEFAKE");
        for (const prefix of [fake!, "FQoGZXIvYXdzEBYaD"])
          expect(log.split("\n").filter((l) => l.includes(prefix))).toEqual([]);
        // The prefixes are what the tokens this file received start with.
        for (const s of childSeen) expect(s.token!.startsWith(fake!)).toBe(true);
      },
    );

    test(
      "holds none of the test suite's static secrets or MFA codes, " +
        "nor the keys issued in this file",
      () => {
        const { secrets, codes } = harvest();
        // The harvest must find what the suite really uses, or this proves nothing.
        expect(secrets.size).toBeGreaterThanOrEqual(10);
        expect(secrets).toContain(STATIC.secret);
        expect(codes).toContain("987123");
        expect(codes).toContain(MFA_CODE);
        process.stderr.write(
          `leak/scan: exact scan for ${secrets.size} static ` +
            `secrets and ${codes.size} MFA codes (${[...codes].join(", ")}) from the ` +
            `test sources\n`,
        );
        const found = [...secrets].filter((s) => log.includes(s));
        expect(found).toEqual([]);
        const codeHits = [...codes].flatMap((c) =>
          log
            .split("\n")
            .filter((l) => new RegExp(`(?<!\\d)${c}(?!\\d)`).test(l))
            .map((l) => ({ code: c, line: l.slice(0, 300) })),
        );
        expect(codeHits).toEqual([]);
        for (const s of childSeen)
          for (const v of [s.id!, s.secret!, s.token!]) expect(log.includes(v)).toBe(false);
      },
    );
  });
});

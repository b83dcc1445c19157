#!/usr/bin/env node
// The whole awsx flow with no AWS account (npm run demo): a private moto_server on
// 127.0.0.1 plays IAM and STS, a throw-away HOME holds ~/.aws/config and credentials,
// and every awsx/aws run gets a clean environment (nothing AWS_* from your shell).
// Needs: node >= 22, moto_server and the aws CLI on PATH. Exits non-zero if a step fails.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { distCurrent } from "./distCurrent.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const AWSX = path.join(ROOT, "bin", "awsx.js");
const BOLD = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;

let moto;
let home;

// Stop moto (its whole process group) and remove the temporary HOME; safe to call twice.
function cleanup() {
  if (moto && moto.exitCode === null && moto.signalCode === null) {
    try {
      process.kill(-moto.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  moto = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
}
process.on("exit", cleanup);
for (const [signal, n] of [
  ["SIGINT", 2],
  ["SIGTERM", 15],
  ["SIGHUP", 1],
]) {
  process.on(signal, () => {
    cleanup();
    process.exit(128 + n);
  });
}

class StepFailed extends Error {}

function heading(text) {
  console.log(`\n${BOLD(`== ${text}`)}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function requireTool(name, hint) {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (r.status !== 0) throw new StepFailed(`${name} is not on PATH; ${hint}`);
}

async function startMoto() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("MOTO_")),
  );
  let output = "";
  moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  moto.stdout.on("data", (b) => (output += b));
  moto.stderr.on("data", (b) => (output += b));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (moto.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return url;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new StepFailed(`moto_server did not answer on ${url}\n${output.slice(-2000)}`);
}

// A clean environment: PATH and a few harmless variables from the shell, never AWS_*,
// AWSX_*, XDG_CACHE_HOME or a D-Bus session (the demo must not touch your keychain).
function cleanEnv(extra) {
  const env = {};
  for (const k of [
    "PATH",
    "LANG",
    "LC_ALL",
    "TERM",
    "TMPDIR",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "SYSTEMROOT",
  ]) {
    if (process.env[k] !== undefined) env[k] = process.env[k];
  }
  return { ...env, ...extra };
}

// Run a program to completion; returns its output and how long it took.
function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
}

function mustSucceed(what, r) {
  if (r.code === 0) return r;
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  throw new StepFailed(`${what} failed (${r.signal ?? `exit ${r.code}`})`);
}

const indent = (text) =>
  text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

async function main() {
  requireTool("moto_server", "install it with: pip install 'moto[server]'");
  requireTool("aws", "install the AWS CLI (pip install awscli)");
  const dist = distCurrent(ROOT);
  if (dist.current) {
    console.log(`(not rebuilding: ${dist.why})`);
  } else {
    heading(`Building dist/ (node scripts/build.mjs): ${dist.why}`);
    mustSucceed(
      "the build",
      await run(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], process.env),
    );
  }

  heading("Starting moto_server (a local fake of IAM and STS)");
  const url = await startMoto();
  console.log(`  ${url}`);

  home = mkdtempSync(path.join(os.tmpdir(), "awsx-demo-"));
  const awsDir = path.join(home, ".aws");
  mkdirSync(awsDir, { mode: 0o700 });
  const configFile = path.join(awsDir, "config");
  const credentialsFile = path.join(awsDir, "credentials");
  const base = {
    HOME: home,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_ENDPOINT_URL: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_EC2_METADATA_DISABLED: "true",
    // The direct path: an agent (docs/agent.md) started here would outlive the demo's
    // temporary home by its idle time.
    AWSX_AGENT: "0",
  };

  heading("Creating IAM user foo (with access keys) and role target1-role in moto");
  const admin = cleanEnv({
    ...base,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_DEFAULT_REGION: "us-east-1",
  });
  const iam = async (...args) =>
    JSON.parse(
      mustSucceed(
        `aws iam ${args[0]}`,
        await run("aws", ["iam", ...args, "--output", "json"], admin),
      ).stdout,
    );
  await iam("create-user", "--user-name", "foo");
  const { AccessKey: key } = await iam("create-access-key", "--user-name", "foo");
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
  });
  const { Role: role } = await iam(
    "create-role",
    "--role-name",
    "target1-role",
    "--assume-role-policy-document",
    trust,
  );
  console.log(`  user foo: access key ${key.AccessKeyId.slice(0, 4)}… (generated by moto)`);
  console.log(`  role:     ${role.Arn}`);

  writeFileSync(
    credentialsFile,
    `[foo]\naws_access_key_id = ${key.AccessKeyId}\n` +
      `aws_secret_access_key = ${key.SecretAccessKey}\n`,
    { mode: 0o600 },
  );
  const target = ["[profile target1]", `role_arn = ${role.Arn}`, "source_profile = foo"];
  const config = `${[...target, "region = us-east-1"].join("\n")}\n`;
  writeFileSync(configFile, config, { mode: 0o600 });
  heading(`Temporary HOME ${home}`);
  console.log(
    `  ~/.aws/credentials: [foo] with the keys above\n  ~/.aws/config:\n${indent(indent(config))}`,
  );

  // Every awsx run: the temp HOME, moto as STS, the encrypted file cache.
  const env = cleanEnv({ ...base, AWSX_FILE_PASSPHRASE: "demo" });
  const awsx = (...args) => run(process.execPath, [AWSX, ...args], env);

  heading("awsx explain target1   (the plan, no network)");
  console.log(indent(mustSucceed("awsx explain", await awsx("explain", "target1")).stdout));

  const execArgs = [
    "exec",
    "target1",
    "--backend",
    "file",
    "--debug",
    "--",
    "aws",
    "sts",
    "get-caller-identity",
    "--output",
    "json",
  ];
  const cacheLine = (stderr) =>
    stderr
      .split("\n")
      .find((l) => /AssumeRole |from the file cache/.test(l))
      ?.replace(/^awsx\[debug\]: /, "") ?? "(no debug line)";

  heading(
    "awsx exec target1 --backend file -- aws sts get-caller-identity   (first run: calls STS)",
  );
  const first = mustSucceed("the first awsx exec", await awsx(...execArgs));
  console.log(indent(first.stdout));
  console.log(`  awsx: ${cacheLine(first.stderr)}`);
  console.log(`  elapsed: ${first.ms} ms`);
  const arn = JSON.parse(first.stdout).Arn ?? "";
  if (!arn.includes(":assumed-role/target1-role/awsx-"))
    throw new StepFailed(`expected the assumed role target1-role, got ${arn}`);

  heading("The same again   (served from the cache: no STS call)");
  const second = mustSucceed("the second awsx exec", await awsx(...execArgs));
  console.log(indent(second.stdout));
  console.log(`  awsx: ${cacheLine(second.stderr)}`);
  console.log(
    `  elapsed: ${second.ms} ms ` +
      `(first run: ${first.ms} ms; both include the aws CLI's own start-up)`,
  );
  if (!second.stderr.includes("from the file cache"))
    throw new StepFailed("the second run did not use the cached session");
  if (JSON.parse(second.stdout).Arn !== arn)
    throw new StepFailed("the second run resolved to another identity");

  heading("awsx env target1 --backend file   (values masked here: name and first 4 characters)");
  const envOut = mustSucceed("awsx env", await awsx("env", "target1", "--backend", "file"));
  let unsets = 0;
  for (const line of envOut.stdout.split("\n")) {
    const m = /^export (\w+)='(.*)';$/.exec(line);
    if (m) console.log(`  export ${m[1]}=${m[2].slice(0, 4)}…`);
    else if (line.startsWith("unset ")) unsets++;
  }
  console.log(`  (and ${unsets} \`unset\` lines for inherited credential and profile variables)`);

  heading("awsx list --backend file");
  const list = mustSucceed("awsx list", await awsx("list", "--backend", "file"));
  console.log(indent(list.stdout));
  if (!list.stdout.includes(role.Arn))
    throw new StepFailed("awsx list does not show the cached role session");

  heading("awsx clear target1 --backend file");
  const clear = mustSucceed("awsx clear", await awsx("clear", "target1", "--backend", "file"));
  console.log(indent(clear.stderr || clear.stdout));
  const after = mustSucceed("awsx list", await awsx("list", "--backend", "file", "--json"));
  if (JSON.parse(after.stdout).sessions.length !== 0)
    throw new StepFailed("awsx clear left a cached session behind");

  heading("Done: every step passed");
}

main().then(
  () => {
    cleanup();
    process.exitCode = 0;
  },
  (e) => {
    console.error(`\ndemo failed: ${e instanceof StepFailed ? e.message : (e?.stack ?? e)}`);
    cleanup();
    process.exitCode = 1;
  },
);

// Runs a private moto_server on 127.0.0.1 for one test file, with IAM setup and call recording.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { httpRequest } from "./http.js";
import { parseRecording, type RecordedCall } from "./motoRecording.js";
import { freePort } from "./ports.js";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

// One parsed API call from moto's recorder.
export type { RecordedCall } from "./motoRecording.js";

// Long-term keys of an IAM user created in moto.
export interface MotoUser {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

// A running moto_server; always stop() it in afterAll.
export interface Moto {
  url: string;
  port: number;
  /** moto_server's pid (also its process group id). */
  pid: number;
  stop(): Promise<void>;
  /** POST /moto-api/reset (wipes every backend) and empties the recording. */
  reset(): Promise<void>;
  /** Empties the recording and starts recording every AWS request. */
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  recordedCalls(): Promise<RecordedCall[]>;
  countCalls(action: string): Promise<number>;
  createUser(name: string): Promise<MotoUser>;
  /**
   * Role whose trust policy lets any principal sts:AssumeRole (moto does not enforce it anyway).
   */
  createRole(name: string, opts?: { maxSessionDuration?: number }): Promise<{ arn: string }>;
  /** Who moto thinks owns an access key id (moto checks no signature, so any secret does). */
  arnOf(accessKeyId: string | undefined): Promise<string | undefined>;
  /** Everything moto printed so far (for failure messages). */
  log(): string;
}

// Trust policy allowing anyone to assume the role.
const ANY_PRINCIPAL_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: "*" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
  ],
});

const READY_TIMEOUT_MS = 20_000;

// Unref'd so a pending race timer never keeps jest alive after the tests.
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

// Kills the whole process group of a detached child: SIGTERM, then SIGKILL after 3 s.
async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => child.once("exit", () => r()));
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* ESRCH: group already gone */
    }
  };
  signal("SIGTERM");
  const done = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
  signal("SIGKILL"); // also reaps any straggling children of the group
  if (!done) await Promise.race([exited, sleep(2_000)]);
}

// Spawns moto on a free port and waits until it answers; retries if the port was taken meanwhile.
// GetCallerIdentity with `keys` at an STS endpoint (moto, or a fake): whose keys they are.
export async function callerArn(
  endpoint: string,
  keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<string | undefined> {
  const sts = new STSClient({ endpoint, region: "us-east-1", maxAttempts: 1, credentials: keys });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

export async function startMoto(): Promise<Moto> {
  const work = mkdtempSync(path.join(os.tmpdir(), "awsx-moto-"));
  const recFile = path.join(work, "recording.jsonl");
  const logFile = path.join(work, "moto.log");
  writeFileSync(recFile, "");
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("MOTO_")),
  );
  env.MOTO_RECORDER_FILEPATH = recFile;
  const log = (): string => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const fd = openSync(logFile, "a");
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
      detached: true, // own process group, so stop() can kill it and any children
      stdio: ["ignore", fd, fd],
      env,
    });
    closeSync(fd);
    let spawnError: Error | undefined;
    child.once("error", (e) => (spawnError = e));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (
      !ready &&
      Date.now() < deadline &&
      !spawnError &&
      child.exitCode === null &&
      child.signalCode === null
    ) {
      ready = await httpRequest(`${url}/moto-api/`, { timeoutMs: 1_000 }).then(
        () => true,
        () => false,
      );
      if (!ready) await sleep(150);
    }
    if (ready) return makeMoto(child, url, port, work, recFile, log);

    await killGroup(child);
    const out = log();
    if (attempt < 3 && /address already in use/i.test(out)) continue;
    rmSync(work, { recursive: true, force: true });
    const why = spawnError
      ? `spawn failed: ${spawnError.message}`
      : `not answering on ${url} after ${READY_TIMEOUT_MS} ms`;
    throw new Error(`moto_server ${why}\n--- moto output ---\n${out.slice(-4000)}`);
  }
}

function makeMoto(
  child: ChildProcess,
  url: string,
  port: number,
  work: string,
  recFile: string,
  log: () => string,
): Moto {
  const iam = new IAMClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
  const post = async (p: string): Promise<void> => {
    const r = await httpRequest(`${url}${p}`, { method: "POST" });
    if (r.status !== 200) throw new Error(`moto ${p} -> HTTP ${r.status}: ${r.body}`);
  };
  let stopped = false;
  const moto: Moto = {
    url,
    port,
    pid: child.pid ?? -1,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      iam.destroy();
      await killGroup(child);
      rmSync(work, { recursive: true, force: true });
    },
    async reset() {
      await post("/moto-api/reset");
      await post("/moto-api/recorder/reset-recording");
    },
    async startRecording() {
      await post("/moto-api/recorder/reset-recording");
      await post("/moto-api/recorder/start-recording");
    },
    async stopRecording() {
      await post("/moto-api/recorder/stop-recording");
    },
    async recordedCalls() {
      // Same file moto appends to; reading it directly avoids racing the download endpoint.
      return parseRecording(readFileSync(recFile, "utf8"));
    },
    async countCalls(action) {
      return (await moto.recordedCalls()).filter((c) => c.action === action).length;
    },
    async createUser(name) {
      const user = await iam.send(new CreateUserCommand({ UserName: name }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      const k = key.AccessKey;
      if (!user.User?.Arn || !k?.AccessKeyId || !k.SecretAccessKey)
        throw new Error(`moto: incomplete IAM answer for ${name}`);
      return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, arn: user.User.Arn };
    },
    arnOf(accessKeyId) {
      const keys = { accessKeyId: accessKeyId ?? "none", secretAccessKey: "unused" };
      return callerArn(url, { ...keys, sessionToken: "unused" });
    },
    async createRole(name, opts = {}) {
      const out = await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: ANY_PRINCIPAL_TRUST_POLICY,
          MaxSessionDuration: opts.maxSessionDuration,
        }),
      );
      if (!out.Role?.Arn) throw new Error(`moto: no ARN for role ${name}`);
      return { arn: out.Role.Arn };
    },
  };
  return moto;
}

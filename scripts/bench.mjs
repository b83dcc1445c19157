// npm run bench: wall time and peak memory of awsx's everyday commands against `node -e 0`,
// runs alternated so machine noise hits every command alike. Warm runs are served
// from a seeded cache (keychain where it works, else the encrypted file store); the
// cold run calls a local moto STS (--no-cache). Prints medians, spread and ratios.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const bin = join(root, "bin", "awsx.js");

execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore", detached: true });
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
writeFileSync(join(home, ".aws", "credentials"), "[foo]\naws_access_key_id = AKIAFAKEBENCH0000001\naws_secret_access_key = benchsecretbenchsecretbenchsecret0000000\n", { mode: 0o600 });
writeFileSync(join(home, ".aws", "config"), "[profile target1]\nrole_arn = arn:aws:iam::123456789012:role/target1-role\nsource_profile = foo\nregion = us-east-1\n", { mode: 0o600 });

const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("AWSX_")));
const env = { ...baseEnv, HOME: home, AWS_ENDPOINT_URL_STS: url, AWS_EC2_METADATA_DISABLED: "true", AWSX_CACHE_DIR: join(home, "cache") };

const keychainWorks =
  Boolean(env.DBUS_SESSION_BUS_ADDRESS) &&
  spawnSync(process.execPath, [bin, "exec", "target1", "--backend", "keychain", "--", "true"], { env }).status === 0;
if (keychainWorks) env.AWSX_BACKEND = "keychain";
else Object.assign(env, { AWSX_BACKEND: "file", AWSX_FILE_PASSPHRASE: "bench-passphrase" });
const seed = spawnSync(process.execPath, [bin, "exec", "target1", "--", "true"], { env, encoding: "utf8" });
if (seed.status !== 0) throw new Error(`seeding the cache failed: ${seed.stderr}`);

const hasTime = existsSync("/usr/bin/time");
const commands = [
  ["node -e 0", [process.execPath, "-e", "0"]],
  ["awsx exec target1 -- true (warm)", [process.execPath, bin, "exec", "target1", "--", "true"]],
  ["awsx env target1 (warm)", [process.execPath, bin, "env", "target1"]],
  ["awsx exec target1 -- true (cold, STS)", [process.execPath, bin, "exec", "target1", "--no-cache", "--", "true"]],
  // For reference: what starting a child from Node costs at all, and a profile that needs no cache.
  ["node: spawn true and wait (reference)", [process.execPath, "-e", 'require("child_process").spawn("true", [], { stdio: "inherit" }).on("exit", (c) => process.exit(c))']],
  ["awsx exec foo -- true (static keys)", [process.execPath, bin, "exec", "foo", "--", "true"]],
];

const samples = commands.map(() => ({ ms: [], kb: [] }));
for (let r = 0; r < rounds; r++) {
  commands.forEach(([, argv], i) => {
    const cmd = hasTime ? ["/usr/bin/time", "-f", "%M", ...argv] : argv;
    const t0 = process.hrtime.bigint();
    const res = spawnSync(cmd[0], cmd.slice(1), { env, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) throw new Error(`${argv.join(" ")} failed: ${res.stderr}`);
    samples[i].ms.push(ms);
    if (hasTime) samples[i].kb.push(Number(res.stderr.trim().split("\n").pop()));
  });
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const base = q(samples[0].ms, 0.5);
console.log(`\nawsx bench: ${rounds} alternated rounds, cache backend ${env.AWSX_BACKEND}, node ${process.version}${process.env.NODE_EXTRA_CA_CERTS ? ", NODE_EXTRA_CA_CERTS set (slows every node start)" : ""}`);
console.log("command".padEnd(40), "median ms", " p10-p90 ms", " ratio", " peak RSS MiB (median/max)");
commands.forEach(([name], i) => {
  const { ms, kb } = samples[i];
  const rss = kb.length ? `${(q(kb, 0.5) / 1024).toFixed(1)}/${(Math.max(...kb) / 1024).toFixed(1)}` : "n/a";
  console.log(name.padEnd(40), q(ms, 0.5).toFixed(1).padStart(9), `${q(ms, 0.1).toFixed(1)}-${q(ms, 0.9).toFixed(1)}`.padStart(12), (q(ms, 0.5) / base).toFixed(2).padStart(6), rss.padStart(12));
});
stopMoto();
rmSync(home, { recursive: true, force: true });

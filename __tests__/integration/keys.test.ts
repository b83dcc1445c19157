// Long-term keys in the keychain (docs/keys.md): awsx add/import/remove/rotate against moto's
// IAM and STS, a private gnome-keyring, and the real aws CLI as the child. Runs bin/awsx.js.
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CreateAccessKeyCommand, IAMClient, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { runAwsx, runDetached, AWSX_BIN, type AwsxRun } from "../helpers/awsx.js";
import { filesUnder, makeHome, type TempHome, writePrintCreds } from "../helpers/home.js";
import { keyringOn, type PrivateKeyring, startPrivateKeyring } from "../helpers/keyring.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";

// moto answers GetSessionToken with the fixed key id AKIAIOSFODNN7EXAMPLE (real STS: ASIA…)
// and GetCallerIdentity for a session key with this default identity, not the user's.
const MOTO_SESSION_ARN = "arn:aws:sts::123456789012:user/moto";

let keyring: PrivateKeyring | undefined;
const describeKeys = await needs("moto_server", "aws", "dbus-daemon", "gnome-keyring-daemon", {
  name: "a private Secret Service (dbus-daemon + gnome-keyring-daemon)",
  probe: async () => {
    keyring = await startPrivateKeyring();
    return true;
  },
});

const storedOf = (address: string, profile: string) =>
  keyringOn<string | null>(address, `return await k.getPassword("awsx", "keys-${profile}");`);

describeKeys("stored long-term keys against moto and a real keychain", () => {
  let moto: Moto;
  let foo: MotoUser;
  let home: TempHome;
  let printCreds: string;
  let roleArn: string;
  // Every long-term secret the file has seen, for the "not on disk" checks.
  const secrets: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    foo = await moto.createUser("foo");
    secrets.push(foo.secretAccessKey);
    roleArn = (await moto.createRole("keys-role")).arn;
    home = makeHome({
      config: [
        "[profile foo]",
        "region = us-east-1",
        "",
        "[profile target1]",
        `role_arn = ${roleArn}`,
        "source_profile = foo",
        "",
        "[profile cp]",
        `credential_process = ${process.execPath} ${AWSX_BIN} credential-process foo`,
        "",
      ].join("\n"),
    });
    printCreds = writePrintCreds(home.dir);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    await keyring?.stop();
    home?.cleanup();
  }, 20_000);

  const env = (extra: Record<string, string | undefined> = {}) =>
    home.env({
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_ENDPOINT_URL_IAM: moto.url,
      AWS_DEFAULT_REGION: "us-east-1",
      DBUS_SESSION_BUS_ADDRESS: keyring!.address,
      ...extra,
    });
  const awsx = (args: string[], extra = {}): Promise<AwsxRun> => runAwsx(args, env(extra), 45_000);
  const ok = (r: AwsxRun, code = 0) =>
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code,
      stderr: expect.any(String),
    });
  const addFrom = (profile: string, id: string, secret: string, extra: string[] = []) =>
    runDetached(
      process.execPath,
      [AWSX_BIN, "add", profile, "--stdin", ...extra],
      env(),
      30_000,
      `${id}\n${secret}\n`,
    );
  const childOf = async (profile: string, args: string[] = []) => {
    const r = await awsx(["exec", profile, ...args, "--", process.execPath, printCreds]);
    ok(r);
    return JSON.parse(r.stdout) as { id: string; secret: string; token?: string };
  };

  test("add --stdin stores the pair in the keychain only; a second add needs --force", async () => {
    ok(await addFrom("foo", foo.accessKeyId, foo.secretAccessKey, ["--verify"]));
    const stored = JSON.parse((await storedOf(keyring!.address, "foo"))!);
    expect(stored).toMatchObject({ accessKeyId: foo.accessKeyId, profile: "foo" });
    const again = await addFrom("foo", foo.accessKeyId, foo.secretAccessKey);
    ok(again, 64);
    expect(again.stderr).toMatch(/already has stored keys .*--force/);
    const bad = await addFrom("bad", foo.accessKeyId, "short");
    ok(bad, 64);
    expect(bad.stderr).not.toContain("short\n");
  });

  test("exec gives the child a GetSessionToken session, not the stored key", async () => {
    await moto.startRecording();
    const child = await childOf("foo");
    expect(child.id).not.toBe(foo.accessKeyId);
    expect(child.token).toBeTruthy();
    expect(child.secret).not.toBe(foo.secretAccessKey);
    expect(await moto.countCalls("GetSessionToken")).toBe(1);
    await childOf("foo"); // the session is cached like any other
    expect(await moto.countCalls("GetSessionToken")).toBe(1);
    const raw = await childOf("foo", ["--no-session"]);
    expect(raw).toMatchObject({ id: foo.accessKeyId, secret: foo.secretAccessKey });
    const cli = await awsx(["exec", "foo", "--", "aws", "sts", "get-caller-identity"]);
    ok(cli);
    expect(JSON.parse(cli.stdout).Arn).toBe(MOTO_SESSION_ARN);
    const cliRaw = await awsx([
      "exec",
      "foo",
      "--no-session",
      "--",
      "aws",
      "sts",
      "get-caller-identity",
    ]);
    expect(JSON.parse(cliRaw.stdout).Arn).toBe(foo.arn);
  });

  test("stored keys are a role chain's source; explain says where they came from", async () => {
    const cli = await awsx(["exec", "target1", "--", "aws", "sts", "get-caller-identity"]);
    ok(cli);
    expect(JSON.parse(cli.stdout).Arn).toMatch(/assumed-role\/keys-role\//);
    const ex = await awsx(["explain", "foo"]);
    ok(ex);
    expect(ex.stdout).toMatch(/provider=awsx-store/);
    expect(ex.stdout).toMatch(/from awsx keychain \[keys-foo\]/);
    expect(ex.stdout).toMatch(/sessionToken \[foo\]/);
    expect(ex.stdout).not.toContain(foo.secretAccessKey);
    expect(ex.stdout).not.toContain(foo.accessKeyId);
  });

  test(
    "credential_process = awsx credential-process foo serves the aws " + "CLI a session",
    async () => {
      const r = await runDetached("aws", ["sts", "get-caller-identity", "--profile", "cp"], env());
      ok(r);
      expect(JSON.parse(r.stdout).Arn).toBe(MOTO_SESSION_ARN);
      const cp = JSON.parse((await awsx(["credential-process", "foo"])).stdout);
      expect(cp.AccessKeyId).not.toBe(foo.accessKeyId);
      expect(cp.SessionToken).toBeTruthy();
    },
  );

  test("awsx clear leaves stored keys; list shows them and flags a plaintext copy", async () => {
    ok(await addFrom("solo", foo.accessKeyId, foo.secretAccessKey));
    await childOf("solo"); // a profile in neither file: its session is cached
    ok(await awsx(["clear", "solo"]));
    ok(await awsx(["clear", "nosuch"]), 67);
    ok(await awsx(["remove", "solo", "--force"]));
    ok(await awsx(["clear"]));
    expect(await storedOf(keyring!.address, "foo")).not.toBeNull();
    writeFileSync(
      home.credentialsFile,
      `[foo]\naws_access_key_id = AKIAFAKEKEYSCONFLICT\n` +
        "aws_secret_access_key = fakeKeysConflictSecret000000000000000000\n",
    );
    try {
      const list = await awsx(["list", "--json"]);
      ok(list);
      const foos = JSON.parse(list.stdout).profiles.filter((p: any) => p.name === "foo");
      expect(foos).toEqual([expect.objectContaining({ storedKeys: true, plaintextKeys: true })]);
      const ex = await awsx(["explain", "foo", "--json"]);
      expect(JSON.parse(ex.stdout).hops[0]).toMatchObject({
        provider: "awsx-store",
        ignores: expect.stringContaining("(stored keys win)"),
      });
      expect((await childOf("foo", ["--no-session"])).id).toBe(foo.accessKeyId);
      // The index of stored keys decides the override: without it the file's keys are used
      // (no keychain read for a profile with keys in the files); a store-only profile still
      // resolves (solo was removed: add it back).
      const index = path.join(home.dir, ".cache", "awsx", "stored-keys");
      expect(readFileSync(index, "utf8").split("\n")).toContain("foo");
      const saved = readFileSync(index, "utf8");
      rmSync(index);
      expect((await childOf("foo", ["--no-session"])).id).toBe("AKIAFAKEKEYSCONFLICT");
      ok(await addFrom("solo", foo.accessKeyId, foo.secretAccessKey));
      rmSync(index);
      expect((await childOf("solo", ["--no-session"])).id).toBe(foo.accessKeyId);
      ok(await awsx(["remove", "solo", "--force"]));
      writeFileSync(index, saved);
    } finally {
      writeFileSync(home.credentialsFile, "");
    }
  });

  test("rotate: new key stored and working, old deleted in IAM, old sessions cleared", async () => {
    await childOf("target1"); // a session minted from the old key
    const r = await awsx(["rotate", "foo"]);
    ok(r);
    const stored = JSON.parse((await storedOf(keyring!.address, "foo"))!);
    secrets.push(stored.secretAccessKey);
    expect(stored.accessKeyId).not.toBe(foo.accessKeyId);
    expect(await iamKeys(moto, "foo")).toEqual([stored.accessKeyId]);
    const list = JSON.parse((await awsx(["list", "--json"])).stdout);
    expect(list.sessions.filter((s: any) => s.usedBy.includes("foo"))).toEqual([]);
    expect((await childOf("foo", ["--no-session"])).id).toBe(stored.accessKeyId);
    expect(r.stderr).not.toContain(stored.secretAccessKey);
  });

  test("rotate at IAM's two-key limit changes nothing and says so", async () => {
    const baz = await moto.createUser("baz");
    await iamAs().send(new CreateAccessKeyCommand({ UserName: "baz" }));
    ok(await addFrom("baz", baz.accessKeyId, baz.secretAccessKey));
    const r = await awsx(["rotate", "baz"]);
    ok(r, 77);
    expect(r.stderr).toMatch(/already has two access keys, IAM's limit.*nothing was changed/);
    expect(JSON.parse((await storedOf(keyring!.address, "baz"))!).accessKeyId).toBe(
      baz.accessKeyId,
    );
  });

  test("import moves [bar]'s keys out of the file byte for byte, after a 0600 backup", async () => {
    const bar = await moto.createUser("bar");
    const before = [
      "# my keys",
      "[other]",
      "aws_access_key_id = AKIAFAKEOTHERKEY0001",
      "aws_secret_access_key = fakeOtherSecret0000000000000000000000001",
      "",
      "[bar]  ; the ci user",
      "# rotated in May",
      `AWS_Access_Key_Id=${bar.accessKeyId}`,
      "region = eu-west-1",
      `aws_secret_access_key : ${bar.secretAccessKey}`,
      "",
      "[tail]",
      "output = json",
      "",
    ].join("\n");
    writeFileSync(home.credentialsFile, before);
    const r = await awsx(["import", "bar"]);
    ok(r);
    const after = readFileSync(home.credentialsFile, "utf8");
    expect(after).toBe(
      before
        .split("\n")
        .filter((l) => !l.includes(bar.accessKeyId) && !l.includes(bar.secretAccessKey))
        .join("\n"),
    );
    const bak = `${home.credentialsFile}.bak`;
    expect(readFileSync(bak, "utf8")).toBe(before);
    expect(statSync(bak).mode & 0o777).toBe(0o600);
    const cli = await awsx([
      "exec",
      "bar",
      "--no-session",
      "--",
      "aws",
      "sts",
      "get-caller-identity",
    ]);
    ok(cli);
    expect(JSON.parse(cli.stdout).Arn).toBe(bar.arn);
    writeFileSync(bak, ""); // the backup is the user's to delete; the disk scan below skips it
    writeFileSync(home.credentialsFile, "");
  });

  test(
    "remove deletes the keys and their sessions; " + "a second remove says there are none",
    async () => {
      ok(await awsx(["remove", "bar", "--force"]));
      expect(await storedOf(keyring!.address, "bar")).toBeNull();
      const again = await awsx(["remove", "bar", "--force"]);
      ok(again, 79);
      expect(again.stderr).toMatch(/has no keys in the keychain/);
      ok(await awsx(["remove", "baz"]), 64); // no terminal to confirm on: needs --force
    },
  );

  test("mfa_serial on a stored-key profile: the child's session is MFA'd", async () => {
    const qux = await moto.createUser("qux");
    secrets.push(qux.secretAccessKey);
    writeFileSync(
      home.configFile,
      `${readFileSync(home.configFile, "utf8")}\n[profile qux]\n` +
        "mfa_serial = arn:aws:iam::123456789012:mfa/qux\n",
    );
    ok(await addFrom("qux", qux.accessKeyId, qux.secretAccessKey));
    const noCode = await awsx(["exec", "qux", "--no-prompt", "--", "true"]);
    ok(noCode, 66);
    await moto.startRecording();
    const child = await childOf("qux", ["--mfa-token", "123456"]);
    expect(child.token).toBeTruthy();
    const calls = (await moto.recordedCalls()).filter((c) => c.action === "GetSessionToken");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      accessKeyId: qux.accessKeyId,
      params: { SerialNumber: "arn:aws:iam::123456789012:mfa/qux", TokenCode: "123456" },
    });
  });

  test("rotate with mfa_serial signs IAM with an MFA'd session of the stored key", async () => {
    const before = JSON.parse((await storedOf(keyring!.address, "qux"))!).accessKeyId;
    await moto.startRecording();
    const r = await awsx(["rotate", "qux", "--mfa-token", "654321"]);
    ok(r);
    const stored = JSON.parse((await storedOf(keyring!.address, "qux"))!);
    secrets.push(stored.secretAccessKey);
    const calls = await moto.recordedCalls();
    const gst = calls.find((c) => c.action === "GetSessionToken");
    expect(gst?.params).toMatchObject({ SerialNumber: "arn:aws:iam::123456789012:mfa/qux" });
    const create = calls.find((c) => c.action === "CreateAccessKey");
    expect(create?.accessKeyId).toBeDefined();
    expect([before, stored.accessKeyId]).not.toContain(create?.accessKeyId);
    expect(await iamKeys(moto, "qux")).toEqual([stored.accessKeyId]);
  });

  test("the encrypted file store keeps keys where there is no keychain; none refuses", async () => {
    const quux = await moto.createUser("quux");
    secrets.push(quux.secretAccessKey);
    const none = await runDetached(
      process.execPath,
      [AWSX_BIN, "add", "quux", "--stdin"],
      env({ AWSX_BACKEND: "none" }),
      30_000,
      `${quux.accessKeyId}\n${quux.secretAccessKey}\n`,
    );
    ok(none, 74);
    expect(none.stderr).toMatch(
      /nowhere to keep the keys of profile "quux" .*AWSX_FILE_PASSPHRASE/,
    );
    const fileEnv = { AWSX_BACKEND: "file", AWSX_FILE_PASSPHRASE: "keys-test" };
    const added = await runDetached(
      process.execPath,
      [AWSX_BIN, "add", "quux", "--stdin"],
      env(fileEnv),
      30_000,
      `${quux.accessKeyId}\n${quux.secretAccessKey}\n`,
    );
    ok(added);
    const cli = await awsx(
      ["exec", "quux", "--no-session", "--", "aws", "sts", "get-caller-identity"],
      fileEnv,
    );
    ok(cli);
    expect(JSON.parse(cli.stdout).Arn).toBe(quux.arn);
    expect(await storedOf(keyring!.address, "quux")).toBeNull();
  });

  test(
    "no long-term secret in any file under HOME (cache included) " + "nor the child's env",
    async () => {
      const child = JSON.stringify(await childOf("foo"));
      for (const s of secrets) {
        expect(child).not.toContain(s);
        for (const f of filesUnder(home.dir)) {
          expect({ file: path.relative(home.dir, f), has: readFileSync(f).includes(s) }).toEqual({
            file: path.relative(home.dir, f),
            has: false,
          });
        }
      }
    },
  );

  const iamAs = () =>
    new IAMClient({
      endpoint: moto.url,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
  async function iamKeys(m: Moto, user: string): Promise<string[]> {
    void m;
    const out = await iamAs().send(new ListAccessKeysCommand({ UserName: user }));
    return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId!);
  }
});

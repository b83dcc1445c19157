import path from "node:path";
import { runAwsx } from "../helpers/awsx.js";
import { startFakeSts, type FakeSts } from "../helpers/fakeSts.js";
import { dataFilesUnder, makeHome, type TempHome, keysSection } from "../helpers/home.js";
import { startMoto, type Moto, type MotoUser } from "../helpers/moto.js";
import { needs } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

const SECRET = "explainTestSecretKeyNeverPrinted0000000X";
const CREDENTIALS = `[foo]
aws_access_key_id = AKIAFAKEEXPLAIN00001
aws_secret_access_key = ${SECRET}
`;
const CONFIG = `[profile target2]
role_arn = arn:aws:iam::444455556666:role/target2-role
mfa_serial = arn:aws:iam::111122223333:mfa/foo
source_profile = foo
region = eu-west-2

[profile long]
role_arn = arn:aws:iam::444455556666:role/long-role
mfa_serial = arn:aws:iam::111122223333:mfa/foo
source_profile = foo
duration_seconds = 7200
external_id = ext-123

[profile chained]
role_arn = arn:aws:iam::777788889999:role/chained-role
source_profile = target2
role_session_name = chained-session

[profile loopa]
role_arn = arn:aws:iam::444455556666:role/a
source_profile = loopb

[profile loopb]
role_arn = arn:aws:iam::444455556666:role/b
source_profile = loopa
`;

describe("awsx explain", () => {
  let sts: FakeSts;
  let home: TempHome;
  const env = () =>
    home.env({
      AWS_ENDPOINT_URL_STS: sts.url,
      AWSX_CACHE_DIR: path.join(home.dir, "cache"),
      AWSX_BACKEND: "file",
      AWSX_FILE_PASSPHRASE: "explain",
    });

  beforeAll(async () => {
    sts = await startFakeSts();
    home = makeHome({ config: CONFIG, credentials: CREDENTIALS });
  });
  afterAll(async () => {
    await sts.close();
    home.cleanup();
  });

  it(
    "prints every hop with its kind, values and the file and section they came from, " +
      "and calls nothing",
    async () => {
      const r = await runAwsx(["explain", "target2"], env());
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("profile target2: 3 hops");
      expect(r.stdout).toMatch(
        joinRegExp(
          /1\. static \[foo\] accessKeyId=AKIA…0001 /,
          /provider=shared-credentials-file\n\s+from .*\.aws\/credentials \[foo\]/,
        ),
      );
      expect(r.stdout).toMatch(
        joinRegExp(
          /2\. sessionToken \[target2\] /,
          /mfaSerial=arn:aws:iam::111122223333:mfa\/foo durationSeconds=43200/,
        ),
      );
      expect(r.stdout).toMatch(
        joinRegExp(
          /3\. assumeRole \[target2\] /,
          /roleArn=arn:aws:iam::444455556666:role\/target2-role\n\s+from /,
          /.*\.aws\/config \[profile target2\]/,
        ),
      );
      expect(r.stdout).toMatch(/region: eu-west-2 from .*\.aws\/config \[profile target2\]/);
      expect(r.stdout).toContain(`STS: ${sts.url} (AWS_ENDPOINT_URL_STS)`);
      expect(r.stdout).not.toContain(SECRET);
      expect(sts.count()).toBe(0);
      expect(dataFilesUnder(path.join(home.dir, "cache"))).toEqual([]);
    },
  );

  it(
    "--json: the same plan as data, with MFA serial, duration, " + "external id and no secret",
    async () => {
      const r = await runAwsx(["explain", "long", "--json"], env());
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout);
      expect(plan.profile).toBe("long");
      expect(plan.hops.map((h: { kind: string }) => h.kind)).toEqual(["static", "assumeRole"]);
      expect(plan.hops[1]).toMatchObject({
        kind: "assumeRole",
        profile: "long",
        roleArn: "arn:aws:iam::444455556666:role/long-role",
        mfaSerial: "arn:aws:iam::111122223333:mfa/foo",
        externalId: "ext-123",
        durationSeconds: 7200,
      });
      expect(plan.hops[1].from).toMatch(/\.aws\/config \[profile long\]$/);
      expect(plan.notes.join(" ")).toMatch(/wants 7200s, over the 1-hour cap/);
      expect(plan.hops[0].accessKeyId).toBe("AKIA…0001");
      expect(r.stdout).not.toContain(SECRET);
      expect(sts.count()).toBe(0);
    },
  );

  it(
    "says which proxy and CA bundle STS calls would use, and why, " + "never the proxy's password",
    async () => {
      const proxied = {
        AWS_ENDPOINT_URL_STS: "https://sts.example.test",
        HTTPS_PROXY: "http://me:pr0xy-pass@proxy.example.test:3128",
        NO_PROXY: "localhost",
        AWS_CA_BUNDLE: "/etc/corp-ca.pem",
      };
      const r = await runAwsx(["explain", "long"], { ...env(), ...proxied });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        "     proxy http://proxy.example.test:3128 (HTTPS_PROXY; no NO_PROXY entry matches " +
          "sts.example.test); CA bundle /etc/corp-ca.pem (from AWS_CA_BUNDLE)\n",
      );
      const json = await runAwsx(["explain", "long", "--json"], {
        ...env(),
        ...proxied,
        NO_PROXY: "localhost,.example.test",
      });
      expect(JSON.parse(json.stdout).stsRoute).toEqual({
        proxy: null,
        proxyWhy: 'NO_PROXY entry ".example.test" matches sts.example.test',
        caBundle: "/etc/corp-ca.pem",
        caBundleFrom: "AWS_CA_BUNDLE",
      });
      for (const out of [r.stdout, r.stderr, json.stdout]) expect(out).not.toContain("pr0xy-pass");
      expect(sts.count()).toBe(0);
    },
  );

  it(
    "a chain through another role profile, with its session name, " +
      "and flags that change the plan",
    async () => {
      const r = await runAwsx(
        ["explain", "chained", "--json", "--no-mfa-session", "--region", "us-west-2"],
        env(),
      );
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout);
      expect(
        plan.hops.map((h: { kind: string; profile: string }) => `${h.kind}:${h.profile}`),
      ).toEqual(["static:foo", "assumeRole:target2", "assumeRole:chained"]);
      expect(plan.hops[1].mfaSerial).toBe("arn:aws:iam::111122223333:mfa/foo");
      expect(plan.hops[2].sessionName).toBe("chained-session");
      expect(plan).toMatchObject({ region: "us-west-2", regionFrom: "--region" });
    },
  );

  it("config errors show here first, as one awsx: line with the config exit code", async () => {
    const r = await runAwsx(["explain", "loopa"], env());
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^awsx: Infinite loop in credential configuration detected\. .*loopa -> loopb.*\n$/,
    );
    const missing = await runAwsx(["explain", "nope"], env());
    expect(missing.code).toBe(67);
    expect(missing.stderr).toMatch(/^awsx: The config profile \(nope\) could not be found/);
  });
});

const describeMoto = await needs("moto_server");

describeMoto("awsx whoami", () => {
  let moto: Moto;
  let user: MotoUser;
  let home: TempHome;
  let roleArn: string;
  const env = () => home.env({ AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: "us-east-1" });

  beforeAll(async () => {
    moto = await startMoto();
    user = await moto.createUser("whoami-foo");
    roleArn = (await moto.createRole("whoami-role")).arn;
    home = makeHome({
      credentials: keysSection("foo", user),
      config: `[profile target1]\nrole_arn = ${roleArn}\nsource_profile = foo\n`,
    });
  }, 60_000);
  afterAll(async () => {
    home?.cleanup();
    await moto?.stop();
  });

  it("shows the role's identity and the session's expiry", async () => {
    const r = await runAwsx(["whoami", "target1", "--backend", "none"], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      joinRegExp(
        /^Profile: +target1\nAccount: +123456789012\nArn: +arn:aws:sts::123456789/,
        /012:assumed-role\/whoami-role\/awsx-\d+\nExpiration: +\d{4}-\d\d-\d\dT/,
        /[\d:.]+Z\n$/,
      ),
    );
    expect(r.stdout + r.stderr).not.toContain(user.secretAccessKey);
  });

  it("--json for machines; long-term keys have no expiry", async () => {
    const role = JSON.parse(
      (await runAwsx(["whoami", "target1", "--backend", "none", "--json"], env())).stdout,
    );
    expect(role).toMatchObject({
      Profile: "target1",
      Account: "123456789012",
      Arn: expect.stringMatching(/:assumed-role\/whoami-role\//),
    });
    expect(Date.parse(role.Expiration)).toBeGreaterThan(Date.now());
    const r = await runAwsx(["whoami", "foo", "--json"], env());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      Profile: "foo",
      Account: "123456789012",
      Arn: user.arn,
      UserId: expect.any(String),
      Expiration: null,
    });
  });
});

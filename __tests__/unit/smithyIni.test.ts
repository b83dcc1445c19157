// Why awsx reads the files with its own configparser-compatible reader (src/config/ini.ts)
// rather than @smithy/shared-ini-file-loader, the loader the AWS SDK for JavaScript uses:
// on each input below the AWS CLI (botocore) and the SDK loader disagree, and awsx sides
// with the CLI. (ini.test.ts checks awsx against botocore itself on many more inputs.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { loadConfig } from "../../src/config/load.js";
import { readText } from "../../src/config/userConfig.js";

const CONFIG = `[profile a]
region = us-east-1 # N. Virginia
ROLE_ARN: arn:aws:iam::123456789012:role/x
note = first
  second

[profile "ops prod"]
region = eu-west-1
`;

describe("awsx's reader and the SDK's ini loader disagree where the CLI is the reference", () => {
  let dir: string;
  let awsx: ReturnType<typeof loadConfig>;
  let sdk: Awaited<ReturnType<typeof loadSharedConfigFiles>>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "awsx-smithy-"));
    const configFile = path.join(dir, "config");
    const credentialsFile = path.join(dir, "credentials");
    writeFileSync(configFile, CONFIG);
    writeFileSync(credentialsFile, "");
    awsx = loadConfig({ configFile, credentialsFile }, readText);
    sdk = await loadSharedConfigFiles({
      configFilepath: configFile,
      filepath: credentialsFile,
      ignoreCache: true,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "an inline # is part of the value for the CLI (so this region is invalid there); " +
      "the SDK strips it",
    () => {
      expect(awsx.profiles.get("a")?.values.region).toBe("us-east-1 # N. Virginia");
      expect(sdk.configFile.a?.region).toBe("us-east-1");
    },
  );

  it("keys are case-insensitive and ':' is a delimiter for the CLI; the SDK drops the line", () => {
    expect(awsx.profiles.get("a")?.values.role_arn).toBe("arn:aws:iam::123456789012:role/x");
    expect(sdk.configFile.a?.role_arn).toBeUndefined();
    expect(sdk.configFile.a?.ROLE_ARN).toBeUndefined();
  });

  it("an indented line continues the value for the CLI; the SDK drops it", () => {
    expect(awsx.profiles.get("a")?.values.note).toBe("first\nsecond");
    expect(sdk.configFile.a?.note).toBe("first");
  });

  it(
    '[profile "ops prod"] names the profile `ops prod` for the CLI; ' +
      "the SDK keeps no such profile",
    () => {
      expect(awsx.profiles.get("ops prod")?.values.region).toBe("eu-west-1");
      expect(sdk.configFile["ops prod"]).toBeUndefined();
    },
  );
});

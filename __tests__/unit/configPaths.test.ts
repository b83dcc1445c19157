// Which files awsx reads, as botocore picks them: a variable that is set, even empty, is the
// path (an empty one names no file), and ~ is HOME whenever HOME is set (Python's expanduser).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { configPaths, loadUserConfig } from "../../src/config/userConfig.js";
import { buildPlan } from "../../src/plan/build.js";
import { cliSsoCacheDir } from "../../src/sso/ssoToken.js";
import { AwsxError } from "../../src/errors.js";

describe("configPaths", () => {
  it("unset variables: the files under HOME", () => {
    expect(configPaths({ HOME: "/home/u" })).toEqual({
      configFile: "/home/u/.aws/config",
      credentialsFile: "/home/u/.aws/credentials",
    });
  });

  it("HOME unset: the account's home directory", () => {
    expect(configPaths({}).configFile).toBe(join(homedir(), ".aws", "config"));
  });

  it("an empty AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE is the path '' (no file)", () => {
    const env = { HOME: "/home/u", AWS_CONFIG_FILE: "", AWS_SHARED_CREDENTIALS_FILE: "" };
    expect(configPaths(env)).toEqual({ configFile: "", credentialsFile: "" });
  });

  it("an empty HOME makes ~ the root, as Python's expanduser does", () => {
    expect(configPaths({ HOME: "" })).toEqual({
      configFile: "/.aws/config",
      credentialsFile: "/.aws/credentials",
    });
    expect(cliSsoCacheDir({ HOME: "" })).toBe("/.aws/sso/cache");
    expect(cliSsoCacheDir({ HOME: "/home/u" })).toBe("/home/u/.aws/sso/cache");
  });

  it("a profile only in ~/.aws is not found with an empty variable, naming it", () => {
    const home = mkdtempSync(join(tmpdir(), "awsx-paths-"));
    try {
      mkdirSync(join(home, ".aws"));
      writeFileSync(join(home, ".aws", "config"), "[profile dev]\nregion = us-east-1\n");
      writeFileSync(join(home, ".aws", "credentials"), "[dev]\naws_access_key_id = A\n");
      const env = { HOME: home, AWS_CONFIG_FILE: "" };
      const config = loadUserConfig(env);
      expect(config.profiles.get("dev")?.values).toEqual({ aws_access_key_id: "A" });
      const noCreds = loadUserConfig({ HOME: home, AWS_SHARED_CREDENTIALS_FILE: "" });
      expect(noCreds.profiles.get("dev")?.values).toEqual({ region: "us-east-1" });
      let err: unknown;
      try {
        buildPlan(loadUserConfig({ ...env, AWS_SHARED_CREDENTIALS_FILE: "" }), "dev");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AwsxError);
      expect((err as AwsxError).code).toBe("E_PROFILE_NOT_FOUND");
      expect((err as AwsxError).message).toContain('"" (AWS_CONFIG_FILE is set but empty');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

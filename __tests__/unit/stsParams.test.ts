// What botocore's ParamValidator refuses before sending, refused by buildPlan too: each string
// awsx sends to STS from a profile shorter than the STS model's minimum (the table is checked
// against the model botocore ships in __tests__/differential/stsParams.test.ts), and an empty
// role_session_name taken as unset.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stepEffects } from "../../src/cli/deps.js";
import { readWebIdentityToken } from "../../src/credentials/steps/webIdentity.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { buildPlan, type PlanOptions } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/plan.js";
import { readSettings } from "../../src/cli/settings.js";
import { AwsxError } from "../../src/errors.js";

const CFG = "/home/u/.aws/config";
const CREDS = "/home/u/.aws/credentials";
const BASE = "[base]\naws_access_key_id = AKIAFAKECREDSFILE000\naws_secret_access_key = s3cr3t\n";
const ARN = "arn:aws:iam::123456789012:role/r";

const load = (config: string): LoadedConfig =>
  loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
    p === CFG ? config : p === CREDS ? BASE : undefined,
  );
const plan = (config: string, profile: string, options: PlanOptions = {}): Plan =>
  buildPlan(load(config), profile, options);
const roleCfg = (lines: string[]) =>
  ["[profile r]", "source_profile = base", ...lines, ""].join("\n");
const wiCfg = (lines: string[]) =>
  ["[profile wi]", "web_identity_token_file = /t", ...lines, ""].join("\n");

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as AwsxError).code).toBe("E_CONFIG");
    return (e as AwsxError).message;
  }
  throw new Error("no error");
}

describe("an empty role_session_name is unset: the default name (botocore's fetcher)", () => {
  it("AssumeRole", () => {
    const p = plan(roleCfg([`role_arn = ${ARN}`, "role_session_name ="]), "r");
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ kind: "assumeRole", roleArn: ARN });
    expect((p.steps[0] as { sessionName?: string }).sessionName).toBeUndefined();
  });

  it("web identity, from the profile and from AWS_ROLE_SESSION_NAME", () => {
    const p = plan(wiCfg([`role_arn = ${ARN}`, "role_session_name ="]), "wi");
    expect(p.source).toMatchObject({ kind: "webIdentity", roleArn: ARN });
    expect((p.source as { sessionName?: string }).sessionName).toBeUndefined();
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: ARN, AWS_ROLE_SESSION_NAME: "" };
    const e = plan("[profile ci]\nregion = eu-west-1\n", "ci", { env });
    expect(e.source).toMatchObject({ kind: "webIdentity", from: "env" });
    expect((e.source as { sessionName?: string }).sessionName).toBeUndefined();
  });
});

describe("shorter than the STS model's minimum: exit 78 before any request", () => {
  it.each([
    [
      "external_id of 1 character",
      roleCfg([`role_arn = ${ARN}`, "external_id = x"]),
      /external_id in profile "r" has 1 character .*at least 2 for ExternalId/,
    ],
    [
      "an empty external_id",
      roleCfg([`role_arn = ${ARN}`, "external_id ="]),
      /external_id in profile "r" is empty/,
    ],
    [
      "role_arn of 19 characters",
      roleCfg(["role_arn = arn:aws:iam::1:role"]),
      /role_arn in profile "r" has 19 characters .*at least 20 for RoleArn/,
    ],
    ["an empty role_arn", roleCfg(["role_arn ="]), /role_arn in profile "r" is empty/],
    [
      "an empty mfa_serial",
      roleCfg([`role_arn = ${ARN}`, "mfa_serial ="]),
      /mfa_serial in profile "r" is empty .*at least 9 for SerialNumber/,
    ],
    [
      "mfa_serial of 8 characters",
      roleCfg([`role_arn = ${ARN}`, "mfa_serial = GAHT1234"]),
      /mfa_serial in profile "r" has 8 characters/,
    ],
    [
      "web identity role_arn",
      wiCfg(["role_arn = arn:aws:iam::1"]),
      /role_arn in profile "wi" has 14 characters/,
    ],
    [
      "web identity role_session_name of 1 character",
      wiCfg([`role_arn = ${ARN}`, "role_session_name = x"]),
      /role_session_name "x" in profile "wi" is invalid/,
    ],
  ])("%s", (_name, config, message) => {
    const profile = config.startsWith("[profile wi]") ? "wi" : "r";
    expect(configError(() => plan(config, profile))).toMatch(message);
  });

  it("a role in the middle of a chain, named with its file and section", () => {
    const top = `[profile top]\nrole_arn = ${ARN}\nsource_profile = r\n`;
    const config = roleCfg([`role_arn = ${ARN}`, "external_id = 1"]) + top;
    expect(configError(() => plan(config, "top"))).toMatch(
      /external_id in profile "r" has 1 character \(\/home\/u\/\.aws\/config \[profile r\]\)/,
    );
  });

  it("AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME", () => {
    const cfg = "[profile ci]\nregion = eu-west-1\n";
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:x" };
    expect(configError(() => plan(cfg, "ci", { env }))).toMatch(
      /AWS_ROLE_ARN in profile "ci" has 5/,
    );
    const named = { ...env, AWS_ROLE_ARN: ARN, AWS_ROLE_SESSION_NAME: "s" };
    expect(configError(() => plan(cfg, "ci", { env: named }))).toMatch(
      /AWS_ROLE_SESSION_NAME \(or role_session_name\) "s" in profile "ci" is invalid/,
    );
  });

  it("an mfa_serial awsx would send to GetSessionToken (the child's session)", () => {
    const cfg = "[profile k]\nmfa_serial = short\n";
    const creds = "[k]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = s\n";
    const loaded = loadConfig({ configFile: CFG, credentialsFile: CREDS }, (p) =>
      p === CFG ? cfg : p === CREDS ? creds : undefined,
    );
    expect(configError(() => buildPlan(loaded, "k", { childSession: "all" }))).toMatch(
      /mfa_serial in profile "k" has 5 characters/,
    );
    // The CLI never sends it for a profile with keys: without the child's session, no check.
    expect(buildPlan(loaded, "k").steps).toEqual([]);
  });

  it("values at the minimum pass (code points, as Python's len() counts)", () => {
    const p = plan(
      roleCfg(["role_arn = arn:aws:iam::1:role/x", "external_id = 😀😀", "mfa_serial = GAHT12345"]),
      "r",
    );
    expect(p.steps.at(-1)).toMatchObject({ kind: "assumeRole", externalId: "😀😀" });
    expect(
      configError(() => plan(roleCfg([`role_arn = ${ARN}`, "external_id = 😀"]), "r")),
    ).toMatch(/has 1 character/);
  });
});

describe("a web identity token shorter than 4 characters (clientTokenType)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "awsx-token-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (content: string) => {
    const tokenFile = path.join(dir, "t");
    writeFileSync(tokenFile, content);
    const step = { kind: "webIdentity", profile: "wi", roleArn: ARN, tokenFile, from: "profile" };
    return readWebIdentityToken(step as Parameters<typeof readWebIdentityToken>[0], stepEffects());
  };

  it("fails with exit 79 naming the file, not the token", async () => {
    const e = await read("a1b").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as AwsxError).code).toBe("E_CREDENTIALS");
    expect((e as AwsxError).message).toMatch(/token in .*\/t of profile "wi" has 3 characters/);
    expect((e as AwsxError).message).not.toMatch(/a1b/);
  });

  it("4 characters (after the trim) pass", async () => {
    await expect(read("a1b2\n")).resolves.toBe("a1b2");
  });
});

describe("AWSX_MFA_SESSION_DURATION is GetSessionToken's DurationSeconds (900-129600)", () => {
  const read = (v: string) => readSettings({ HOME: "/home/u", AWSX_MFA_SESSION_DURATION: v });

  it.each(["899", "0", "129601", "3600.5"])("%s is a usage error before any call", (v) => {
    const e = (() => {
      try {
        read(v);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(AwsxError);
    expect((e as AwsxError).code).toBe("E_USAGE");
    expect((e as AwsxError).message).toMatch(/AWSX_MFA_SESSION_DURATION .* in 900-129600/);
  });

  it.each([
    ["900", 900],
    ["129600", 129600],
    ["", 43200],
  ])("%j gives %d", (v, want) => {
    expect(read(v).mfaSessionSeconds).toBe(want);
  });
});

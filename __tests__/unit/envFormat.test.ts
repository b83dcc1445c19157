// formatEnv: exact text per format (real shells and .env readers read it back in
// __tests__/differential/envFormat.test.ts).
import { formatEnv, ENV_FORMATS } from "../../src/exec/envFormat.js";
import { REMOVED_VARIABLES } from "../../src/exec/childEnv.js";
import { AwsxError } from "../../src/errors.js";
import { joinRegExp } from "../helpers/regex.js";

const VARS: Array<[string, string]> = [
  ["AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE"],
  ["AWS_SECRET_ACCESS_KEY", `it's a "s\\cret" $HOME`],
  ["AWS_SESSION_TOKEN", "line1\nline2\r"],
  ["AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z"],
  ["AWS_REGION", "eu-west-1"],
  ["AWS_DEFAULT_REGION", "eu-west-1"],
  ["AWSX_PROFILE", "ops ‘prod’"],
];

const UNSET = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SECURITY_TOKEN",
  "AWS_ACCOUNT_ID",
  "AWS_SESSION_EXPIRATION",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_CREDENTIAL_FILE",
];
// exec removes these from its child; env never removes them from the user's shell.
const KEPT = ["AWSX_FILE_PASSPHRASE", "AWSX_MFA_TOKEN"];

describe("formatEnv golden output", () => {
  it("unsets exactly the removed variables it does not set, but the user's own settings", () => {
    expect(
      REMOVED_VARIABLES.filter((v) => !VARS.some(([k]) => k === v) && !KEPT.includes(v)),
    ).toEqual(UNSET);
  });

  it("sh", () => {
    expect(formatEnv(VARS, "sh")).toBe(
      UNSET.map((k) => `unset ${k};\n`).join("") +
        "export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE';\n" +
        `export AWS_SECRET_ACCESS_KEY='it'\\''s a "s\\cret" $HOME';\n` +
        "export AWS_SESSION_TOKEN='line1\nline2\r';\n" +
        "export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z';\n" +
        "export AWS_REGION='eu-west-1';\n" +
        "export AWS_DEFAULT_REGION='eu-west-1';\n" +
        "export AWSX_PROFILE='ops ‘prod’';\n",
    );
  });

  it("fish", () => {
    expect(formatEnv(VARS, "fish")).toBe(
      UNSET.map((k) => `set -e ${k};\n`).join("") +
        "set -gx AWS_ACCESS_KEY_ID 'ASIAIOSFODNN7EXAMPLE';\n" +
        `set -gx AWS_SECRET_ACCESS_KEY 'it\\'s a "s\\\\cret" $HOME';\n` +
        "set -gx AWS_SESSION_TOKEN 'line1\nline2\r';\n" +
        "set -gx AWS_CREDENTIAL_EXPIRATION '2030-01-02T03:04:05Z';\n" +
        "set -gx AWS_REGION 'eu-west-1';\n" +
        "set -gx AWS_DEFAULT_REGION 'eu-west-1';\n" +
        "set -gx AWSX_PROFILE 'ops ‘prod’';\n" +
        "true;\n",
    );
  });

  it("powershell", () => {
    expect(formatEnv(VARS, "powershell")).toBe(
      UNSET.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue\n`).join("") +
        "$Env:AWS_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE'\n" +
        `$Env:AWS_SECRET_ACCESS_KEY = 'it''s a "s\\cret" $HOME'\n` +
        "$Env:AWS_SESSION_TOKEN = 'line1\nline2\r'\n" +
        "$Env:AWS_CREDENTIAL_EXPIRATION = '2030-01-02T03:04:05Z'\n" +
        "$Env:AWS_REGION = 'eu-west-1'\n" +
        "$Env:AWS_DEFAULT_REGION = 'eu-west-1'\n" +
        "$Env:AWSX_PROFILE = 'ops ‘‘prod’’'\n",
    );
  });

  it("dotenv: single quotes, double quotes for a value with ' but none of \\ \" $ `", () => {
    const vars: Array<[string, string]> = [
      ["AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE"],
      ["AWS_SECRET_ACCESS_KEY", 'a$(touch x)`y` "q" $HOME #c'],
      ["AWS_SESSION_TOKEN", "line1\nline2"],
      ["AWSX_PROFILE", "it's ‘prod’"],
    ];
    expect(formatEnv(vars, "dotenv")).toBe(
      "AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'\n" +
        `AWS_SECRET_ACCESS_KEY='a$(touch x)\`y\` "q" $HOME #c'\n` +
        "AWS_SESSION_TOKEN='line1\nline2'\n" +
        `AWSX_PROFILE="it's ‘prod’"\n`,
    );
  });

  // No quoting keeps these literal in python-dotenv, compose and sh alike.
  it.each([
    ["${X} (python-dotenv expands it inside any quotes)", "a${X}b"],
    ["a carriage return (python-dotenv reads it as LF)", "a\rb"],
    ["' and $", "it's $(touch x)"],
    ["' and `", "it's `touch x`"],
    ["' and \"", `it's "q"`],
    ["a backslash", "a\\b"],
    ["a backslash before the closing quote", "a\\"],
  ])("dotenv refuses a value with %s, naming the variable and the profile only", (_, v) => {
    const vars: Array<[string, string]> = [
      ["AWS_SECRET_ACCESS_KEY", v],
      ["AWSX_PROFILE", "prod"],
    ];
    let error: unknown;
    try {
      formatEnv(vars, "dotenv");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AwsxError);
    expect((error as AwsxError).code).toBe("E_USAGE");
    expect((error as AwsxError).message).toMatch(
      joinRegExp(
        /^AWS_SECRET_ACCESS_KEY \(profile "prod"\) cannot be written to a dotenv /,
        /file .*; use --format json or sh$/,
      ),
    );
    expect((error as AwsxError).message).not.toContain(v);
  });

  it("json", () => {
    const out = formatEnv(VARS, "json");
    expect(out.endsWith("}\n")).toBe(true);
    expect(JSON.parse(out)).toEqual(Object.fromEntries(VARS));
    expect(Object.keys(JSON.parse(out))).toEqual(VARS.map(([k]) => k));
  });

  it("long-term keys: the session token is unset, not left behind", () => {
    const out = formatEnv(
      [
        ["AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"],
        ["AWS_SECRET_ACCESS_KEY", "s"],
        ["AWSX_PROFILE", "p"],
      ],
      "sh",
    );
    expect(out).toMatch(/^unset AWS_SESSION_TOKEN;$/m);
    expect(out).toMatch(/^unset AWS_CREDENTIAL_EXPIRATION;$/m);
    expect(out).not.toMatch(/unset AWS_ACCESS_KEY_ID/);
  });

  it.each(ENV_FORMATS)("%s refuses a NUL byte", (format) => {
    expect(() => formatEnv([["X", "a\0b"]], format)).toThrow(AwsxError);
  });
});

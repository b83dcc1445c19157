import {
  AWSX_SECRETS,
  childEnv,
  credentialVariables,
  ENV_SET_VARIABLES,
  EXEC_MARKER,
  REMOVED_VARIABLES,
} from "../../src/exec/childEnv.js";
import { formatEnv } from "../../src/exec/envFormat.js";

const creds = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secretsecretsecret",
  sessionToken: "tok",
  expiration: new Date("2030-01-02T03:04:05.678Z"),
};

describe("childEnv", () => {
  it.each(
    REMOVED_VARIABLES.filter(
      (v) =>
        ![
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_CREDENTIAL_EXPIRATION",
        ].includes(v),
    ),
  )("removes inherited %s", (name) => {
    expect(childEnv({ [name]: "x", PATH: "/bin" }, creds, "p", undefined)[name]).toBeUndefined();
  });

  it("removes every AWS_CONTAINER_CREDENTIALS_* variable", () => {
    const env = childEnv(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://x",
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/y",
      },
      creds,
      "p",
      undefined,
    );
    expect(Object.keys(env).filter((k) => k.startsWith("AWS_CONTAINER"))).toEqual([]);
  });

  it("sets the new credentials, expiry without milliseconds, both regions and the markers", () => {
    const env = childEnv(
      { AWS_ACCESS_KEY_ID: "old", AWS_SECURITY_TOKEN: "stale" },
      creds,
      "prod",
      "eu-west-1",
    );
    expect(env).toEqual({
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secretsecretsecret",
      AWS_SESSION_TOKEN: "tok",
      AWS_CREDENTIAL_EXPIRATION: "2030-01-02T03:04:05Z",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWSX_PROFILE: "prod",
      AWSX_EXEC_PROFILE: "prod",
    });
  });

  it("passes everything else through untouched and sets no token for long-term keys", () => {
    const env = childEnv(
      { PATH: "/bin", AWS_ENDPOINT_URL: "http://e", AWS_CONFIG_FILE: "/c", EMPTY: "" },
      { accessKeyId: "AKIA1", secretAccessKey: "s" },
      "p",
      undefined,
    );
    expect(env.PATH).toBe("/bin");
    expect(env.AWS_ENDPOINT_URL).toBe("http://e");
    expect(env.AWS_CONFIG_FILE).toBe("/c");
    expect(env.EMPTY).toBe("");
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_REGION).toBeUndefined();
  });
});

describe("what awsx env sets and what it leaves alone", () => {
  const SESSION = {
    accessKeyId: "A",
    secretAccessKey: "s",
    sessionToken: "t",
    expiration: new Date(0),
  };

  it("env sets no exec marker, and --unset covers every variable env may set", () => {
    const names = credentialVariables(SESSION, "p", "eu-west-1", true).map(([k]) => k);
    expect(names).not.toContain(EXEC_MARKER);
    expect([...ENV_SET_VARIABLES]).toEqual(names);
  });

  it("AWS_PROFILE only with AWSX_KEEP_AWS_PROFILE (keepProfile): the profile's name", () => {
    const off = credentialVariables(SESSION, "p", "eu-west-1");
    expect(off.map(([k]) => k)).not.toContain("AWS_PROFILE");
    const on = credentialVariables(SESSION, "p", "eu-west-1", true);
    expect(on).toContainEqual(["AWS_PROFILE", "p"]);
    // exec's child: an inherited AWS_PROFILE is replaced by the profile's name, or removed.
    const parent = { AWS_PROFILE: "stale", PATH: "/bin" };
    expect(childEnv(parent, SESSION, "p", "eu-west-1", true).AWS_PROFILE).toBe("p");
    expect(childEnv(parent, SESSION, "p", "eu-west-1").AWS_PROFILE).toBeUndefined();
  });

  it("env's shell output never unsets the user's AWSX_FILE_PASSPHRASE or AWSX_MFA_TOKEN", () => {
    for (const f of ["sh", "fish", "powershell"] as const)
      for (const name of AWSX_SECRETS) expect(formatEnv([["X", "1"]], f)).not.toContain(name);
  });
});

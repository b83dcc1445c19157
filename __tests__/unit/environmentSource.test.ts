// credential_source = Environment read as botocore's EnvProvider reads it.
import { metadataSettings } from "../../src/credentials/metadataSettings.js";
import { fromCredentialSource } from "../../src/credentials/steps/credentialSource.js";
import { fakeEffects } from "../helpers/stepEffects.js";

const METADATA = metadataSettings({ name: "r", values: {} }, {});
const read = (env: Record<string, string>) =>
  fromCredentialSource("r", "Environment", {
    env,
    metadata: METADATA,
    now: () => new Date(),
    effects: fakeEffects(),
  });

describe("credential_source = Environment", () => {
  it("AWS_SECURITY_TOKEN wins over AWS_SESSION_TOKEN, as botocore reads it first", async () => {
    const c = await read({
      AWS_ACCESS_KEY_ID: "AKIDENV",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_SESSION_TOKEN: "session",
      AWS_SECURITY_TOKEN: "security",
    });
    expect(c.sessionToken).toBe("security");
  });

  it("an empty AWS_SECURITY_TOKEN falls through to AWS_SESSION_TOKEN", async () => {
    const c = await read({
      AWS_ACCESS_KEY_ID: "AKIDENV",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_SECURITY_TOKEN: "",
      AWS_SESSION_TOKEN: "session",
    });
    expect(c.sessionToken).toBe("session");
  });

  it("a secret without an access key id is no credentials (not partial ones)", async () => {
    await expect(read({ AWS_SECRET_ACCESS_KEY: "s" })).rejects.toThrow(
      /No credentials found in credential_source Environment referenced in profile "r"/,
    );
    await expect(read({ AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "s" })).rejects.toThrow(
      /No credentials found/,
    );
  });

  it("an access key id without a secret is partial credentials", async () => {
    await expect(read({ AWS_ACCESS_KEY_ID: "AKIDENV" })).rejects.toThrow(
      /Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY/,
    );
  });

  const KEYS = { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "s" };
  const at = (iso: string) => () => new Date(iso);
  const readAt = (exp: string, now: string) =>
    fromCredentialSource("r", "Environment", {
      env: { ...KEYS, AWS_CREDENTIAL_EXPIRATION: exp },
      metadata: METADATA,
      now: at(now),
      effects: fakeEffects(),
    });

  it("AWS_CREDENTIAL_EXPIRATION in the future is the credentials' expiration", async () => {
    const c = await readAt("2030-01-02T03:04:05Z", "2029-12-31T00:00:00Z");
    expect(c.expiration?.toISOString()).toBe("2030-01-02T03:04:05.000Z");
  });

  it("an AWS_CREDENTIAL_EXPIRATION that has passed is an error before any call", async () => {
    await expect(readAt("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z")).rejects.toThrow(
      /AWS_CREDENTIAL_EXPIRATION 2020-01-01T00:00:00Z has passed/,
    );
  });

  it("an AWS_CREDENTIAL_EXPIRATION that is not a zoned time is an error", async () => {
    // botocore fails on a naive time too: it cannot compare it with its aware clock.
    for (const bad of ["garbage", "2031-01-01T00:00:00", "2031-01-01"]) {
      await expect(readAt(bad, "2026-01-01T00:00:00Z")).rejects.toThrow(
        new RegExp(`AWS_CREDENTIAL_EXPIRATION "${bad}" is not a time with a zone`),
      );
    }
  });

  it(
    "AWS_CREDENTIAL_EXPIRATION in ISO 8601's basic format is read, " + "as dateutil reads it",
    async () => {
      const c = await readAt("20300102T030405Z", "2029-12-31T00:00:00Z");
      expect(c.expiration?.toISOString()).toBe("2030-01-02T03:04:05.000Z");
    },
  );
});

// Instance metadata settings (env first, then the named profile) and the Expiration rule, as
// botocore 1.43.11 reads them; the differential suite checks the same against the AWS CLI.
import { isAwsxError } from "../../src/errors.js";
import { metadataSettings } from "../../src/credentials/metadataSettings.js";
import { readableTime } from "../../src/credentials/steps/metadataHttp.js";

const settings = (values: Record<string, string>, env: Record<string, string> = {}) =>
  metadataSettings({ name: "p", values }, env);

const fails = (values: Record<string, string>, env: Record<string, string> = {}): string => {
  try {
    settings(values, env);
  } catch (e) {
    if (isAwsxError(e) && e.code === "E_CONFIG") return e.message;
    throw e;
  }
  throw new Error("expected an E_CONFIG error");
};

test("defaults: IPv4 endpoint, 1 s, 1 attempt, IMDSv1 allowed", () => {
  expect(settings({})).toEqual({
    disabled: false,
    baseUrl: "http://169.254.169.254/",
    v1Disabled: false,
    timeoutMs: 1000,
    attempts: 1,
  });
});

test("the variable wins over the profile's key, also when empty", () => {
  const values = { ec2_metadata_service_endpoint: "http://127.0.0.1:1/" };
  expect(settings(values).baseUrl).toBe("http://127.0.0.1:1/");
  const env = { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:2" };
  expect(settings(values, env).baseUrl).toBe("http://127.0.0.1:2");
  // Empty counts as set, and means the default.
  expect(settings(values, { AWS_EC2_METADATA_SERVICE_ENDPOINT: "" }).baseUrl).toBe(
    "http://169.254.169.254/",
  );
  expect(
    settings({ metadata_service_timeout: "2" }, { AWS_METADATA_SERVICE_TIMEOUT: " 3 " }),
  ).toMatchObject({ timeoutMs: 3000 });
  expect(
    settings({ ec2_metadata_v1_disabled: "true" }, { AWS_EC2_METADATA_V1_DISABLED: "no" })
      .v1Disabled,
  ).toBe(false);
});

test("endpoint mode and imds_use_ipv6", () => {
  const v6 = "http://[fd00:ec2::254]/";
  expect(settings({ ec2_metadata_service_endpoint_mode: "IPv6" }).baseUrl).toBe(v6);
  expect(settings({ imds_use_ipv6: "TRUE" }).baseUrl).toBe(v6);
  expect(
    settings({ imds_use_ipv6: "true", ec2_metadata_service_endpoint_mode: "ipv4" }).baseUrl,
  ).toBe("http://169.254.169.254/");
  expect(fails({ ec2_metadata_service_endpoint_mode: "dual" })).toMatch(/endpoint mode/);
  expect(fails({}, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "" })).toMatch(/"p"/);
});

test("whole numbers as Python's int() reads them; anything else fails", () => {
  expect(settings({ metadata_service_num_attempts: "1_0" }).attempts).toBe(10);
  expect(settings({ metadata_service_num_attempts: "+2" }).attempts).toBe(2);
  expect(settings({ metadata_service_num_attempts: "\u3000３" }).attempts).toBe(3);
  for (const bad of ["1.5", "two", "", "0x10", "1__0"])
    expect(fails({ metadata_service_timeout: bad })).toMatch(/not a whole number/);
});

test("an endpoint that is not a URL with a host fails", () => {
  for (const bad of ["169.254.169.254", "http://", "http://a b/", "http://-x/", "http://a\n/"])
    expect(fails({ ec2_metadata_service_endpoint: bad })).toMatch(/not a valid URL/);
  expect(settings({ ec2_metadata_service_endpoint: "http://[::1]:8080" }).baseUrl).toBe(
    "http://[::1]:8080",
  );
});

test("AWS_EC2_METADATA_DISABLED comes from the environment only", () => {
  expect(settings({}, { AWS_EC2_METADATA_DISABLED: "True" }).disabled).toBe(true);
  expect(settings({ aws_ec2_metadata_disabled: "true" }).disabled).toBe(false);
});

test("Expiration: a zoned time dateutil reads; naive, zone names and non-strings fail", () => {
  for (const ok of [
    "2031-01-01T00:00:00Z",
    "2031-01-01T00:00:00.123+02:00",
    "2031-01-01T00:00:00-0500",
    "Wed, 01 Jan 2031 00:00:00 GMT",
    "2020-01-01T00:00:00Z",
    // ISO 8601's basic format, which dateutil reads too.
    "20310101T000000Z",
  ])
    expect([ok, readableTime(ok)]).toEqual([ok, true]);
  for (const bad of [
    "2031-01-01",
    "2031-01-01T00:00:00",
    "2031-01-01T00:00:00 EST",
    "soon",
    5,
    null,
  ])
    expect([bad, readableTime(bad)]).toEqual([bad, false]);
});

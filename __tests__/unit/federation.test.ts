import { AwsxError } from "../../src/errors.js";
import {
  destinationUrl,
  loginUrl,
  partitionOf,
  signinTokenRequest,
} from "../../src/login/federation.js";

const AWS = {
  name: "aws",
  federation: "https://signin.aws.amazon.com/federation",
  console: "https://console.aws.amazon.com/",
};
const CN = {
  name: "aws-cn",
  federation: "https://signin.amazonaws.cn/federation",
  console: "https://console.amazonaws.cn/",
};
const GOV = {
  name: "aws-us-gov",
  federation: "https://signin.amazonaws-us-gov.com/federation",
  console: "https://console.amazonaws-us-gov.com/",
};

// Characters a real secret and session token contain that need URL escaping.
const creds = {
  accessKeyId: "ASIAFAKEEXAMPLE12345",
  secretAccessKey: "fake/Secret+Key=EXAMPLE&x?y#z",
  sessionToken: 'FwoGZXIvYXdzEFAKE//////////wEaDA+b/c=&Session=evil %20"quoted"',
  expiration: new Date("2030-01-02T03:04:05Z"),
};

describe("partitionOf", () => {
  it.each([
    ["us-east-1", AWS],
    ["eu-west-1", AWS],
    ["ap-southeast-2", AWS],
    ["cn-north-1", CN],
    ["cn-northwest-1", CN],
    ["us-gov-west-1", GOV],
    ["us-gov-east-1", GOV],
    [undefined, AWS],
  ])("%s", (region, expected) => {
    expect(partitionOf(region)).toEqual(expected);
  });

  it("us-east-1 is not mistaken for GovCloud by its us- prefix", () => {
    expect(partitionOf("us-west-2").name).toBe("aws");
  });
});

describe("destinationUrl", () => {
  it("no path: the console's home with the region", () => {
    expect(destinationUrl(partitionOf("us-east-1"), "us-east-1", undefined)).toBe(
      "https://console.aws.amazon.com/?region=us-east-1",
    );
  });

  it("no region: the console's home without a query", () => {
    expect(destinationUrl(partitionOf(undefined), undefined, undefined)).toBe(
      "https://console.aws.amazon.com/",
    );
  });

  it.each([
    ["s3/home", "https://console.aws.amazon.com/s3/home?region=eu-west-1"],
    ["/s3/home", "https://console.aws.amazon.com/s3/home?region=eu-west-1"],
    ["///ec2/home", "https://console.aws.amazon.com/ec2/home?region=eu-west-1"],
    [
      "ec2/v2/home#Instances:",
      "https://console.aws.amazon.com/ec2/v2/home?region=eu-west-1#Instances:",
    ],
  ])("path %s → %s", (p, expected) => {
    expect(destinationUrl(partitionOf("eu-west-1"), "eu-west-1", p)).toBe(expected);
  });

  it("a region already in the path's query is kept", () => {
    expect(destinationUrl(partitionOf("eu-west-1"), "eu-west-1", "s3/home?region=us-west-2")).toBe(
      "https://console.aws.amazon.com/s3/home?region=us-west-2",
    );
  });

  it("a path cannot leave the partition's console host", () => {
    const u = new URL(
      destinationUrl(partitionOf("us-east-1"), "us-east-1", "//evil.example.com/x"),
    );
    expect(u.host).toBe("console.aws.amazon.com");
  });

  it("a full https URL passes through untouched", () => {
    const full =
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards";
    expect(destinationUrl(partitionOf("us-east-1"), "us-east-1", full)).toBe(full);
  });

  it.each([
    ["cn-north-1", "https://console.amazonaws.cn/s3/home?region=cn-north-1"],
    ["us-gov-west-1", "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"],
  ])("%s: the partition's own console", (region, expected) => {
    expect(destinationUrl(partitionOf(region), region, "s3/home")).toBe(expected);
  });
});

describe("signinTokenRequest", () => {
  it(
    "Action=getSigninToken and Session = the credentials' JSON, " +
      "surviving URL parsing byte for byte",
    () => {
      const u = new URL(signinTokenRequest(AWS.federation, creds));
      expect(`${u.origin}${u.pathname}`).toBe(AWS.federation);
      expect([...u.searchParams.keys()]).toEqual(["Action", "Session"]);
      expect(u.searchParams.get("Action")).toBe("getSigninToken");
      const session = JSON.parse(u.searchParams.get("Session")!);
      expect(session).toEqual({
        sessionId: creds.accessKeyId,
        sessionKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
      });
      expect(Object.keys(session)).toEqual(["sessionId", "sessionKey", "sessionToken"]);
      // Raw secrets are escaped in the query (no stray & or + that a server would split or decode).
      expect(u.search).not.toContain(creds.secretAccessKey);
    },
  );

  it("SessionDuration only when asked", () => {
    expect(
      new URL(signinTokenRequest(AWS.federation, creds, 7200)).searchParams.get("SessionDuration"),
    ).toBe("7200");
    expect(
      new URL(signinTokenRequest(AWS.federation, creds)).searchParams.has("SessionDuration"),
    ).toBe(false);
  });

  it("keeps a test endpoint's host, port and path", () => {
    const u = new URL(signinTokenRequest("http://127.0.0.1:4567/federation", creds));
    expect(`${u.origin}${u.pathname}`).toBe("http://127.0.0.1:4567/federation");
  });

  it(
    "long-term keys (no session token) are refused: " + "the console needs temporary credentials",
    () => {
      let err: unknown;
      try {
        signinTokenRequest(AWS.federation, {
          accessKeyId: "AKIAFAKEEXAMPLE12345",
          secretAccessKey: "fake-secret-EXAMPLE",
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AwsxError);
      expect((err as AwsxError).code).toBe("E_CREDENTIALS");
    },
  );
});

describe("loginUrl", () => {
  it.each([AWS, CN, GOV])("round-trips through URL parsing on $name", (p) => {
    const token = "FAKE+signin/token==with&special=chars";
    const dest = destinationUrl(p as ReturnType<typeof partitionOf>, "some-region-1", "s3/home");
    const u = new URL(loginUrl(p.federation, token, dest));
    expect(`${u.origin}${u.pathname}`).toBe(p.federation);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      Action: "login",
      Issuer: "awsx",
      Destination: dest,
      SigninToken: token,
    });
    // The destination is one escaped parameter, not query text of the outer URL.
    expect(u.searchParams.getAll("region")).toEqual([]);
  });

  it("takes another issuer", () => {
    expect(
      new URL(
        loginUrl(AWS.federation, "t", "https://console.aws.amazon.com/", "my-broker"),
      ).searchParams.get("Issuer"),
    ).toBe("my-broker");
  });
});

describe("destinationUrl refuses to leave the console", () => {
  const aws = partitionOf("us-east-1");
  it.each([
    "http://evil.example.com/x",
    "javascript:alert(1)",
    "https://evil.example.com/",
    "https://console.aws.amazon.com.evil.example/",
  ])("%s is a usage error", (path) => {
    expect(() => destinationUrl(aws, "us-east-1", path)).toThrow(
      /is not a (page|path) of|is not a path on/,
    );
  });
  it.each(["\\\\evil.example.com/x", "//evil.example.com/x"])(
    "%s stays a path on the console",
    (path) => {
      expect(new URL(destinationUrl(aws, "us-east-1", path)).hostname).toBe(
        "console.aws.amazon.com",
      );
    },
  );
  it("keeps a regional console URL", () => {
    expect(
      destinationUrl(aws, "us-east-1", "https://us-east-1.console.aws.amazon.com/ec2/home"),
    ).toBe("https://us-east-1.console.aws.amazon.com/ec2/home");
  });
});

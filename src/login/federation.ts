import { AwsxError } from "../errors.js";
import type { Credentials } from "../types.js";

export interface Partition {
  name: "aws" | "aws-cn" | "aws-us-gov";
  federation: string;
  console: string;
}

// The sign-in and console hosts of each partition, chosen by the region's prefix.
export function partitionOf(region: string | undefined): Partition {
  if (region?.startsWith("cn-"))
    return {
      name: "aws-cn",
      federation: "https://signin.amazonaws.cn/federation",
      console: "https://console.amazonaws.cn/",
    };
  if (region?.startsWith("us-gov-")) {
    return {
      name: "aws-us-gov",
      federation: "https://signin.amazonaws-us-gov.com/federation",
      console: "https://console.amazonaws-us-gov.com/",
    };
  }
  return {
    name: "aws",
    federation: "https://signin.aws.amazon.com/federation",
    console: "https://console.aws.amazon.com/",
  };
}

// Where the console opens: a full URL as given, else a path on the partition's console,
// with the region as a query parameter when known.
// Anything that would leave the partition's console (another host or scheme) is refused.
export function destinationUrl(
  partition: Partition,
  region: string | undefined,
  path: string | undefined,
): string {
  const consoleHost = new URL(partition.console).hostname;
  const onConsole = (u: URL) =>
    u.protocol === "https:" &&
    (u.hostname === consoleHost || u.hostname.endsWith(`.${consoleHost}`));
  if (path && /^https:\/\//i.test(path)) {
    const given = new URL(path);
    if (!onConsole(given))
      throw new AwsxError(
        "E_USAGE",
        `--path ${path} is not a page of ${consoleHost}; ` +
          `pass a console path such as s3/home or an https://…${consoleHost} URL`,
      );
    return given.toString();
  }
  const url = new URL((path ?? "").replace(/^[/\\]+/, ""), partition.console);
  if (!onConsole(url))
    throw new AwsxError(
      "E_USAGE",
      `--path ${path} is not a path on ${consoleHost}; pass e.g. s3/home`,
    );
  if (region && !url.searchParams.has("region")) url.searchParams.set("region", region);
  return url.toString();
}

// The federation endpoint's getSigninToken request: the session is the JSON of the
// credentials (sent to the endpoint only, never printed).
export function signinTokenRequest(
  endpoint: string,
  creds: Credentials,
  sessionDuration?: number,
): string {
  if (!creds.sessionToken)
    throw new AwsxError(
      "E_CREDENTIALS",
      "the console needs temporary credentials (a role or federation session)",
    );
  const url = new URL(endpoint);
  url.searchParams.set("Action", "getSigninToken");
  if (sessionDuration !== undefined)
    url.searchParams.set("SessionDuration", String(sessionDuration));
  url.searchParams.set(
    "Session",
    JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    }),
  );
  return url.toString();
}

export function loginUrl(
  endpoint: string,
  signinToken: string,
  destination: string,
  issuer = "awsx",
): string {
  const url = new URL(endpoint);
  url.searchParams.set("Action", "login");
  url.searchParams.set("Issuer", issuer);
  url.searchParams.set("Destination", destination);
  url.searchParams.set("SigninToken", signinToken);
  return url.toString();
}

import type { CaBundle, Env } from "../types.js";
import type { ProfileValues } from "./nestedBlock.js";
import { readSetting } from "./setting.js";

export type { CaBundle };

// As the AWS CLI reads it: botocore's session.create_client takes `verify` from the
// ca_bundle setting (AWS_CA_BUNDLE when set at all, else the named profile's ca_bundle key,
// a nested block failing there), and the endpoint falls back to REQUESTS_CA_BUNDLE; the
// path as written, relative to the working folder. The bundle is then the whole trust
// (urllib3 loads it instead of the default CAs), for the endpoint and for an https proxy.
// An empty value turns verification off in the CLI; awsx keeps the default trust instead.
export function caBundleOf(env: Env, profile: ProfileValues): CaBundle | undefined {
  const got = readSetting(env, profile, "AWS_CA_BUNDLE", "ca_bundle");
  if (got) {
    if (!got.value) return undefined;
    const from = got.fromEnv ? got.from : `ca_bundle of profile "${profile.name}"`;
    return { path: got.value, from };
  }
  const requests = env.REQUESTS_CA_BUNDLE;
  return requests ? { path: requests, from: "REQUESTS_CA_BUNDLE" } : undefined;
}

import type { SsoClientTarget } from "../types.js";
import { type SdkTarget, sdkClientConfig } from "./sdkClientConfig.js";

// The options of the SSO portal and OIDC clients: awsx's shared ones, with the FIPS and
// dual-stack switches awsx read for the profile (botocore's use_fips_endpoint and
// use_dualstack_endpoint pick the SSO hosts too; never set with an endpoint URL).
export const ssoClientConfig = (target: SdkTarget & SsoClientTarget, service: string) => ({
  ...sdkClientConfig(target, service),
  useFipsEndpoint: target.fips ?? false,
  useDualstackEndpoint: target.dualstack ?? false,
});

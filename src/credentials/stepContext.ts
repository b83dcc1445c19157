import type { Logger } from "../util/log.js";
import type { Env, Sts } from "../types.js";
import type { MetadataSettings } from "./metadataSettings.js";
import type { MfaCodeProvider } from "./mfa.js";
import type { SsoContext } from "./ssoContext.js";
import type { StepEffects } from "./stepEffects.js";

// What every step may use: all effects come in here, none is imported.
export interface StepContext {
  // Created on first use: a run served from the cache never loads the STS client.
  sts: () => Promise<Sts>;
  // The STS endpoint as messages name it, and where that choice came from.
  endpointLabel: string;
  endpointFrom?: string;
  // Told once an STS call has waited SLOW_STS_MS (the CLI decides whether anyone hears).
  onSlowSts?: (message: string) => void;
  mfa: MfaCodeProvider;
  // awsx's own environment, with AWSX_RESOLVING set for the processes it starts.
  env: Env;
  now: () => Date;
  logger: Logger;
  processTimeoutMs: number;
  // Instance metadata settings of the profile awsx was asked for (not the hop's).
  metadata: MetadataSettings;
  // IAM Identity Center clients, tokens and lock; absent where no SSO profile can occur.
  sso?: SsoContext;
  // Helpers, metadata requests, file reads and pauses.
  effects: StepEffects;
}

export const defaultSessionName = (now: Date): string => `awsx-${Math.floor(now.getTime() / 1000)}`;

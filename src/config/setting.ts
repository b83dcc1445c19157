import type { Env } from "../types.js";
import { type ProfileValues, refuseBlock } from "./nestedBlock.js";

// One setting's value and where it came from: the variable's name or the profile's key.
export interface SettingValue {
  value: string;
  from: string;
  fromEnv: boolean;
}

// A setting as botocore's config chain reads it: the variable when it is set at all (even
// empty), else the named profile's key. A key written as a nested block fails there, as in
// the CLI, except for a boolean (`bool`), which reads it as not "true".
export function readSetting(
  env: Env,
  profile: ProfileValues,
  envName: string,
  key: string,
  bool = false,
): SettingValue | undefined {
  const e = env[envName];
  if (e !== undefined) return { value: e, from: envName, fromEnv: true };
  if (!bool) refuseBlock(profile, key);
  const v = profile.values[key];
  return v === undefined ? undefined : { value: v, from: key, fromEnv: false };
}

// A boolean setting as botocore's ensure_boolean reads it: only "true", in any case, is true
// (a nested block is not).
export const readFlag = (env: Env, profile: ProfileValues, envName: string, key: string) =>
  readSetting(env, profile, envName, key, true)?.value.toLowerCase() === "true";

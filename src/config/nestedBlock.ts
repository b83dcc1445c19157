import { AwsxError } from "../errors.js";
import { type Origin, type Profile, where } from "./load.js";

// botocore hands a key written as a nested block ("key =" then indented "x = y" lines) to
// whatever reads it, as a dict where a string is wanted, and the AWS CLI fails there (its own
// error or a crash) before any request. awsx fails at the same reads, with this message.
// Settings botocore reads as booleans are not checked: a block is simply not "true" there.
export function nestedBlockError(
  name: string,
  key: string,
  o: Origin,
  options: { usedBy?: string; profile?: string } = {},
): AwsxError {
  return new AwsxError(
    "E_CONFIG",
    `${key} in profile "${name}"${where(o)} is a nested block, ` +
      `not a value${options.usedBy ?? ""}; write it on one line (${key} = VALUE)`,
    { profile: options.profile ?? name },
  );
}

// The profile fields a reader of settings needs to refuse a block.
export type ProfileValues = Pick<Profile, "name" | "values"> & Partial<Pick<Profile, "nested">>;

// Fails when the profile's `key` is a nested block; call it where botocore reads the key.
export function refuseBlock(profile: ProfileValues | undefined, key: string): void {
  const o = profile?.nested?.[key];
  if (o) throw nestedBlockError(profile.name, key, o);
}

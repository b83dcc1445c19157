import { loadUserConfig } from "../config/userConfig.js";
import { AwsxError } from "../errors.js";
import { storedKeysIndex } from "../keys/storedKeysIndex.js";
import { type CredentialFlags, type Deps, promptOff } from "./deps.js";

// Whether a missing profile may be picked from a list: a person is at the keyboard (stdin
// and stderr are terminals), not CI, and asking is allowed (no --no-prompt).
const canPick = (flags: CredentialFlags, deps: Deps): boolean =>
  Boolean(deps.tty?.stdin && deps.tty.stderr) && !deps.settings.ci && !promptOff(flags);

// The profile named on the command line or, with none named where a person can pick, the one
// picked from the config's profiles (granted's `assume` with no profile). `missing` is the
// command's usage error, raised where no one can pick (a script, CI, --no-prompt).
export async function profileOrPick(
  named: string | undefined,
  command: string,
  flags: CredentialFlags,
  deps: Deps,
  missing: () => AwsxError,
): Promise<string> {
  if (named !== undefined) return named;
  if (!canPick(flags, deps)) throw missing();
  const names = await pickableProfiles(deps);
  if (names.length === 0) {
    const { configFile, credentialsFile } = loadUserConfig(deps.env);
    throw new AwsxError(
      "E_PROFILE_NOT_FOUND",
      `there is no profile to pick from in ${configFile} or ${credentialsFile}; add ` +
        `[profile NAME] to the config file, then run awsx ${command} NAME`,
    );
  }
  const { pickName } = await import("../platform/profilePicker.js");
  try {
    const picked = await pickName(`Profile for awsx ${command}`, names);
    deps.logger.debug(`profile picked at the terminal: ${picked}`);
    return picked;
  } catch (e) {
    if (!(e as { cancelled?: boolean }).cancelled) throw e;
    // Esc and Ctrl-C alike: the person chose to run nothing, as a shell's Ctrl-C would.
    throw new AwsxError("E_INTERRUPTED", `no profile picked: ${(e as Error).message}`);
  }
}

// The config's and credentials file's profiles in file order, then those whose keys only
// awsx stores (`awsx add`), as completion offers them.
async function pickableProfiles(deps: Deps): Promise<string[]> {
  const inFiles = [...loadUserConfig(deps.env).profiles.keys()];
  const stored = (await storedKeysIndex(deps.settings.cacheDir)) ?? new Set<string>();
  return [...new Set([...inFiles, ...stored])];
}

// Flags aws-vault users type out of habit, with the awsx way in one line: shown instead of a
// bare "unknown option" (a flag awsx learns later is found first and never reaches here).
// By awsx command, "*" for any: the same letter means different things in aws-vault's
// commands (-s is exec's EC2 server, login's --stdout, remove's --sessions-only).
// From aws-vault v7's cli/*.go; docs/migrating-from-aws-vault.md has the same in tables.
type Habits = Readonly<Record<string, string>>;

const CREDENTIAL_PROCESS = "for credential_process, use `awsx credential-process PROFILE`";
const SERVER =
  "that is aws-vault's EC2 metadata server: awsx serves credentials with exec --server";
const SESSIONS_ONLY = "cached sessions are removed with `awsx clear PROFILE`";
const LIST_ALL = "awsx list prints profiles and cached sessions together; --json for a script";
const ROTATE = "awsx rotate signs with the stored key, with an MFA session only for mfa_serial";
const NO_PASS = "awsx has no pass backend: --backend keychain or file";

const ANY: Habits = {
  "-n": "that is aws-vault's --no-session: awsx spells it --no-session",
  "-t": "awsx spells it --mfa-token CODE",
  "--keychain": "awsx keeps its items in the default keychain; there is no other to name",
  "--secret-service-collection":
    "awsx keeps its items in the Secret Service's default collection; there is no other to name",
  "--pass-dir": NO_PASS,
  "--pass-cmd": NO_PASS,
  "--pass-prefix": NO_PASS,
  "--file-dir": "set AWSX_CACHE_DIR=DIR instead: the file store is DIR/sessions",
};

const NO_CONFIG = "awsx add stores the keys only; it never writes ~/.aws/config";

const BY_COMMAND: Readonly<Record<string, Habits>> = {
  add: { "--add-config": NO_CONFIG, "--no-add-config": NO_CONFIG },
  exec: {
    "--json": CREDENTIAL_PROCESS,
    "-s": SERVER,
    "--ec2-server": SERVER,
    "--ecs-server": "awsx's ECS-style credential server is exec --server",
    "--lazy": "awsx fetches credentials before the command starts: drop --lazy",
    "--stdout": "for an SSO sign-in link without a browser, `awsx sso login --no-browser`",
  },
  export: {
    "--stdout": "for an SSO sign-in link without a browser, `awsx sso login --no-browser`",
  },
  login: { "-s": "awsx login prints the URL by default, or spell it --stdout" },
  remove: { "--sessions-only": SESSIONS_ONLY, "-s": SESSIONS_ONLY, "-f": "awsx spells it --force" },
  list: { "--profiles": LIST_ALL, "--sessions": LIST_ALL, "--credentials": LIST_ALL },
  rotate: {
    "--no-session": ROTATE,
    "-n": ROTATE,
  },
};

// The awsx way for an aws-vault flag given to `awsx COMMAND`, if there is one to point at.
export function awsVaultHabit(command: string, flag: string): string | undefined {
  return BY_COMMAND[command]?.[flag] ?? ANY[flag];
}

// The one error type awsx raises on purpose; its code decides the exit status.
export type AwsxErrorCode =
  | "E_USAGE"
  | "E_MFA_REQUIRED"
  | "E_PROFILE_NOT_FOUND"
  | "E_NETWORK"
  | "E_CACHE"
  | "E_STS"
  | "E_CONFIG"
  | "E_CREDENTIALS"
  | "E_INTERNAL"
  | "E_INTERRUPTED";

// Exit codes follow sysexits(3) so scripts can tell awsx's failures from most
// children's; docs/exit-codes.md lists them.
export const EXIT_CODES: Record<AwsxErrorCode, number> = {
  E_USAGE: 64,
  E_MFA_REQUIRED: 66,
  E_PROFILE_NOT_FOUND: 67,
  E_NETWORK: 69,
  E_INTERNAL: 70,
  E_CACHE: 74,
  E_STS: 77,
  E_CONFIG: 78,
  E_CREDENTIALS: 79,
  // Ctrl-C at one of awsx's prompts: what a shell reports for a command stopped by SIGINT.
  E_INTERRUPTED: 130,
};

export class AwsxError extends Error {
  readonly code: AwsxErrorCode;
  readonly profile?: string;

  constructor(
    code: AwsxErrorCode,
    message: string,
    options: { cause?: unknown; profile?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AwsxError";
    this.code = code;
    this.profile = options.profile;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

// Also recognises an AwsxError made by another bundle of awsx (the lazily loaded parts
// carry their own copy of this class).
export const isAwsxError = (e: unknown): e is AwsxError =>
  e instanceof AwsxError ||
  (e instanceof Error &&
    e.name === "AwsxError" &&
    typeof (e as AwsxError).code === "string" &&
    (e as AwsxError).code in EXIT_CODES);

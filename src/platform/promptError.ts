// A prompt (dialog, ykman, the automatic choice) that gave no code: why, and what the user
// can do instead when that is not simply to pass the code. cancelled: the user said no;
// interrupted: the user pressed Ctrl-C (awsx then exits 130, as a shell would).
export class PromptError extends Error {
  readonly fix?: string;
  readonly cancelled: boolean;
  readonly interrupted: boolean;

  constructor(
    message: string,
    options: { fix?: string; cancelled?: boolean; interrupted?: boolean } = {},
  ) {
    super(message);
    this.name = "PromptError";
    this.fix = options.fix;
    this.interrupted = options.interrupted ?? false;
    this.cancelled = (options.cancelled ?? false) || this.interrupted;
  }
}

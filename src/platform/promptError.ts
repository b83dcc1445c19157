// A prompt (dialog, ykman, the automatic choice) that gave no code: why, and what the user
// can do instead when that is not simply to pass the code. cancelled: the user said no.
export class PromptError extends Error {
  readonly fix?: string;
  readonly cancelled: boolean;

  constructor(message: string, options: { fix?: string; cancelled?: boolean } = {}) {
    super(message);
    this.name = "PromptError";
    this.fix = options.fix;
    this.cancelled = options.cancelled ?? false;
  }
}

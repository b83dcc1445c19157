// awsx's own stderr voice. Every line passes through redact(), which removes any
// secret awsx has seen this run (keys, tokens, MFA codes), so even --debug and
// error text from SDKs cannot print one.
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  error(message: string): void;
  secret(value: string | undefined): void;
  redact(text: string): string;
  readonly debugEnabled: boolean;
}

export function createLogger(options: { debug?: boolean; quiet?: boolean; write?: (line: string) => void } = {}): Logger {
  const secrets = new Set<string>();
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const redact = (text: string): string => {
    let out = text;
    for (const s of secrets) if (s) out = out.split(s).join("[redacted]");
    return out;
  };
  const emit = (prefix: string, message: string) => write(`${prefix}${redact(message)}\n`);
  return {
    debugEnabled: Boolean(options.debug),
    debug: (m) => {
      if (options.debug) emit("awsx[debug]: ", m);
    },
    info: (m) => {
      if (!options.quiet) emit("awsx: ", m);
    },
    warn: (m) => {
      if (!options.quiet) emit("awsx: warning: ", m);
    },
    error: (m) => emit("awsx: ", m),
    secret: (v) => {
      // Short values (an MFA code) would also match inside account ids and ARNs: those are
      // kept out of every message by construction instead.
      if (v && v.length >= 16) secrets.add(v);
    },
    redact,
  };
}

export const silentLogger: Logger = createLogger({ write: () => {} });

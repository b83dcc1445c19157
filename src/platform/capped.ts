import { Transform, type Readable } from "node:stream";
import { AwsxError } from "../errors.js";

// The most awsx reads of any one answer from STS, instance metadata, a container endpoint,
// the federation endpoint or a credential_process (docs/security.md). Real answers are a few
// KiB; a larger one is refused before it can fill memory.
const MAX_ANSWER_BYTES = 1024 * 1024;

type Code = "E_STS" | "E_CREDENTIALS";
const tooBig = (what: string, code: Code = "E_STS") =>
  new AwsxError(code, `${what} sent an answer larger than ${MAX_ANSWER_BYTES} bytes; refused`);

// A stream that fails once more than the cap has passed through it.
export function cappedStream(body: Readable, what: string, code?: Code): Readable {
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > MAX_ANSWER_BYTES ? tooBig(what, code) : null, chunk);
    },
  });
  body.on("error", (e) => cap.destroy(e));
  cap.on("error", () => body.destroy());
  return body.pipe(cap);
}

// A stream's whole text, read no further than the cap.
export async function cappedStreamText(body: Readable, what: string, code?: Code): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of cappedStream(body, what, code)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// botocore's RefreshableCredentials as the CLI meets them once: the windows are 15 minutes
// (fetch again) and 10 minutes (a failed refetch fails).
import { refreshedOnce } from "../../src/credentials/refreshedOnce.js";
import type { Credentials } from "../../src/types.js";

const NOW = new Date("2026-06-01T12:00:00Z");
const keys = (minutesLeft?: number, id = "AKIAFAKEFIRST"): Credentials => ({
  accessKeyId: id,
  secretAccessKey: "fake-secret",
  ...(minutesLeft === undefined ? {} : { expiration: new Date(NOW.getTime() + minutesLeft * 6e4) }),
});

// Fetches hand out `answers` in turn (an Error is thrown); returns the result and the count.
async function run(...answers: (Credentials | Error)[]) {
  let n = 0;
  const fetch = async () => {
    const a = answers[n++]!;
    if (a instanceof Error) throw a;
    return a;
  };
  const result = await refreshedOnce(
    fetch,
    () => NOW,
    () => new Error("still expired"),
  ).catch((e: Error) => e);
  return { result, fetches: n };
}

test("no expiry, or 15 minutes or more left: one fetch", async () => {
  for (const first of [keys(), keys(15), keys(60)]) {
    expect(await run(first)).toEqual({ result: first, fetches: 1 });
  }
});

test("under 15 minutes left: fetched again and the new keys serve", async () => {
  const fresh = keys(60, "AKIAFAKESECOND");
  for (const left of [14.9, 5, 0, -60]) {
    expect(await run(keys(left), fresh)).toEqual({ result: fresh, fetches: 2 });
  }
});

test(
  "a failed refetch: the first keys serve with 10 minutes or more left, " + "else it fails",
  async () => {
    const boom = new Error("refetch failed");
    const first = keys(12);
    expect(await run(first, boom)).toEqual({ result: first, fetches: 2 });
    expect(await run(keys(10), boom)).toEqual({ result: keys(10), fetches: 2 });
    for (const left of [9.9, 0, -5]) {
      expect(await run(keys(left), boom)).toEqual({ result: boom, fetches: 2 });
    }
  },
);

test("refetched keys that are already expired fail; ones about to expire serve", async () => {
  expect((await run(keys(-1), keys(0, "AKIAFAKESECOND"))).result).toEqual(
    new Error("still expired"),
  );
  const soon = keys(1, "AKIAFAKESECOND");
  expect(await run(keys(-1), soon)).toEqual({ result: soon, fetches: 2 });
});

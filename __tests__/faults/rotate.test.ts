// awsx rotate when IAM or the keychain fails part-way: every failure must leave a working key
// stored and say what state IAM is in. Runs runRotate in-process with a fake IAM (which also
// answers GetCallerIdentity for the keys it holds) and a store that fails on demand.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryStore } from "../../src/cache/memoryStore.js";
import { runRotate } from "../../src/cli/commands/rotate.run.js";
import type { Deps } from "../../src/cli/deps.js";
import { readSettings } from "../../src/cli/settings.js";
import { AwsxError } from "../../src/errors.js";
import type { Credentials, Iam, Store, Sts } from "../../src/types.js";
import { createLogger } from "../../src/util/log.js";

const USER_ARN = "arn:aws:iam::123456789012:user/path/alice";
const OLD = {
  accessKeyId: "AKIAFAKEROTATEOLD001",
  secretAccessKey: "fakeRotateOldSecret/+00000000000000000001",
};
let counter = 0;
// A cached session minted from the old key (src/cache/cacheEntry.ts's shape).
const SESSION = {
  v: 1,
  key: "session-1",
  profile: "alice",
  kind: "sessionToken",
  label: "GetSessionToken",
  profiles: ["alice"],
  createdAt: "2026-06-01T00:00:00Z",
  expiration: "2026-06-01T01:00:00Z",
  credentials: { accessKeyId: "ASIAFAKEROTATESESS01", secretAccessKey: "s", sessionToken: "t" },
};

interface Faults {
  refuseCreate?: boolean;
  limitOnCreate?: boolean;
  refuseDelete?: (id: string) => boolean;
  neverWorks?: boolean;
  extraKey?: boolean;
}

// IAM's keys of one user, and STS answering for the ones that exist.
function fakeAws(faults: Faults) {
  const keys = new Map<string, string>([[OLD.accessKeyId, OLD.secretAccessKey]]);
  if (faults.extraKey) keys.set("AKIAFAKEROTATEOTHER1", "fakeRotateOtherSecret/+0000000000000001");
  const calls: string[] = [];
  const err = (name: string) => Object.assign(new Error(`${name} (fake)`), { name });
  const iam: Iam = {
    listAccessKeys: async (_c, user) => {
      calls.push(`list ${user}`);
      return [...keys.keys()];
    },
    createAccessKey: async (_c, user) => {
      calls.push(`create ${user}`);
      if (faults.limitOnCreate) throw err("LimitExceededException");
      if (faults.refuseCreate) throw err("AccessDenied");
      const id = `AKIAFAKEROTATENEW${String(++counter).padStart(3, "0")}`;
      const secret = `fakeRotateNewSecret/+${"0".repeat(16)}${String(counter).padStart(3, "0")}`;
      keys.set(id, secret);
      return { accessKeyId: id, secretAccessKey: secret };
    },
    deleteAccessKey: async (_c, user, id) => {
      calls.push(`delete ${user} ${id === OLD.accessKeyId ? "old" : "new"}`);
      if (faults.refuseDelete?.(id)) throw err("AccessDenied");
      keys.delete(id);
    },
  };
  const sts = {
    getCallerIdentity: async (c: Credentials) => {
      const fresh = c.accessKeyId !== OLD.accessKeyId;
      if (!keys.has(c.accessKeyId) || (fresh && faults.neverWorks))
        throw err("InvalidClientTokenId");
      return { Arn: USER_ARN, Account: "123456789012" };
    },
  } as unknown as Sts;
  return { iam, sts, keys, calls };
}

// A store that fails writes when told (the keychain locked between two steps).
function flakyStore(base: Store, failSet: () => boolean): Store {
  return {
    ...base,
    name: "keychain",
    set: async (k, v) => {
      if (failSet()) throw new AwsxError("E_CACHE", "keychain write failed: locked (fake)");
      return base.set(k, v);
    },
  };
}

const stored = async (store: Store) => JSON.parse((await store.get("keys-alice"))!);

async function rotateWith(
  faults: Faults,
  failSet: (n: number) => boolean = () => false,
  config = "[profile alice]\nregion = us-east-1\n",
) {
  const aws = fakeAws(faults);
  const base = memoryStore();
  await base.set(
    "keys-alice",
    JSON.stringify({
      v: 1,
      kind: "awsx-keys",
      profile: "alice",
      ...OLD,
      addedAt: "2026-01-01T00:00:00Z",
    }),
  );
  await base.set("session-1", JSON.stringify(SESSION));
  let sets = 0;
  const store = flakyStore(base, () => failSet(++sets));
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "awsx-rotate-"));
  writeFileSync(join(dir, "config"), config);
  const env = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
    AWSX_ROTATE_WAIT: "0",
  };
  const deps: Deps = {
    env,
    settings: readSettings(env),
    logger: createLogger({ write: (l) => void lines.push(l) }),
    now: () => new Date("2026-06-01T00:00:00Z"),
    stsFactory: async () => aws.sts,
    iamFactory: async () => aws.iam,
    keyStore: async () => store,
  };
  let error: AwsxError | undefined;
  try {
    await runRotate({ profile: "alice", prompt: false }, deps);
  } catch (e) {
    error = e as AwsxError;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = `${lines.join("")}${error?.message ?? ""}`;
  // Never a secret, old or new, in what the user sees.
  for (const s of [OLD.secretAccessKey, ...[...aws.keys.values()]]) expect(text).not.toContain(s);
  return { ...aws, store: base, error, text };
}

describe("awsx rotate, part-way failures", () => {
  test("the happy path: new key stored and the only one in IAM; old sessions cleared", async () => {
    const r = await rotateWith({});
    expect(r.error).toBeUndefined();
    const now = await stored(r.store);
    expect([...r.keys.keys()]).toEqual([now.accessKeyId]);
    expect(await r.store.get("session-1")).toBeUndefined();
    expect(r.calls).toEqual(["list alice", "create alice", "delete alice old"]);
  });

  test("IAM refuses the create: nothing changed, the old key still stored", async () => {
    const r = await rotateWith({ refuseCreate: true });
    expect(r.error?.code).toBe("E_STS");
    expect(r.error?.message).toMatch(/refused CreateAccessKey .*nothing was changed/);
    expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
  });

  test("the two-key limit, seen by ListAccessKeys or answered by CreateAccessKey", async () => {
    for (const faults of [{ extraKey: true }, { limitOnCreate: true }]) {
      const r = await rotateWith(faults);
      expect(r.error?.message).toMatch(/already has two access keys, IAM's limit/);
      expect(r.error?.message).toMatch(/nothing was changed/);
      expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
    }
  });

  test("the new key never works: deleted again, the old key still stored", async () => {
    const r = await rotateWith({ neverWorks: true });
    expect(r.error?.message).toMatch(/did not work within 0s.*new key was deleted again/);
    expect([...r.keys.keys()]).toEqual([OLD.accessKeyId]);
    expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
  });

  test(
    "the keychain fails when storing the new key: " + "new key deleted in IAM, old kept",
    async () => {
      const r = await rotateWith({}, (n) => n === 1);
      expect(r.error?.message).toMatch(/keychain did not take the new key.*nothing changed/);
      expect([...r.keys.keys()]).toEqual([OLD.accessKeyId]);
      expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
    },
  );

  test("the keychain fails and IAM refuses the undo: the message says two keys exist", async () => {
    const r = await rotateWith({ refuseDelete: (id) => id !== OLD.accessKeyId }, () => true);
    expect(r.error?.message).toMatch(/has two keys; delete AKIA…/);
    expect(r.keys.size).toBe(2);
    expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
  });

  test(
    "IAM refuses deleting the old key: the new one is stored, " + "the message says how to finish",
    async () => {
      const r = await rotateWith({ refuseDelete: (id) => id === OLD.accessKeyId });
      expect(r.error?.code).toBe("E_STS");
      expect(r.error?.message).toMatch(/new key AKIA…[A-Z0-9]{4} is stored and works/);
      expect(r.error?.message).toMatch(/two keys now.*aws iam delete-access-key --user-name alice/);
      const now = await stored(r.store);
      expect(now.accessKeyId).not.toBe(OLD.accessKeyId);
      expect(r.keys.has(now.accessKeyId)).toBe(true);
    },
  );

  test("an empty mfa_serial is set, as for exec: too short for STS, nothing called", async () => {
    const r = await rotateWith({}, undefined, "[profile alice]\nmfa_serial =\n");
    expect(r.error?.code).toBe("E_CONFIG");
    expect(r.error?.message).toMatch(/^mfa_serial in profile "alice" is empty \(.*config/);
    expect(r.calls).toEqual([]);
    expect((await stored(r.store)).accessKeyId).toBe(OLD.accessKeyId);
  });
});

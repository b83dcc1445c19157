// awsx sso sync against a hostile portal (issue 32, finding 1): every value the portal answers
// is checked where it arrives (src/sso/portalValues.ts, through listPairs), the block finder
// refuses anything but one BEGIN and one END, and the text sync would write is read back with
// awsx's INI parser before it is written (src/sso/syncCheck.ts). The fuzz properties feed
// random hostile answers (line breaks, brackets, "=", "#", ";", marker lines, control
// characters, 100 kB names) and check the config text after sync parses to exactly the
// sections and keys meant, or that sync refused (so nothing is written).
import fc from "fast-check";
import { parseIni } from "../../src/config/ini.js";
import { AwsxError } from "../../src/errors.js";
import type { PortalAccount, SsoPortal } from "../../src/platform/ssoPortal.js";
import {
  portalAccountId,
  portalAccountName,
  portalRoleName,
  shown,
} from "../../src/sso/portalValues.js";
import { findBlock, type SyncPair } from "../../src/sso/syncBlock.js";
import { syncedConfig } from "../../src/sso/syncedConfig.js";
import { listPairs } from "../../src/sso/syncPairs.js";
import { joinRegExp } from "../helpers/regex.js";

const BEGIN = "# BEGIN awsx sso sync corp";
const END = "# END awsx sso sync corp";
const USER = "[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n";
const FILE = "/home/me/.aws/config";

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof AwsxError)) throw e;
    expect(e.message).not.toMatch(/[\n\r\u2028\u2029]/);
    return e.code;
  }
};

describe("values from the portal, one check per kind", () => {
  test.each(["111122223333", "000000000000"])("account id %j is taken", (id) => {
    expect(portalAccountId(id, "corp")).toBe(id);
  });
  test.each([
    "11112222333",
    "1111222233334",
    "11112222333a",
    "111122223333\n",
    " 111122223333",
    "１１１１２２２２３３３３", // full-width digits
    "",
    undefined,
    111122223333,
  ])("account id %j is refused", (id) => {
    expect(codeOf(() => portalAccountId(id, "corp"))).toBe("E_STS");
  });

  test.each(["Admin", "a", "R".repeat(64), "AWSReservedSSO_x+=,.@-_1"])("role %j is taken", (r) => {
    expect(portalRoleName(r, "111122223333", "corp")).toBe(r);
  });
  test.each([
    "",
    "R".repeat(65),
    "Admin\n[default]",
    "Admin ",
    "a[b]",
    "a#b",
    "a;b",
    "a:b",
    "a/b",
    "Rôle",
    "a\u0000b",
    null,
  ])("role %j is refused", (r) => {
    expect(codeOf(() => portalRoleName(r, "111122223333", "corp"))).toBe("E_STS");
  });

  test.each(["Data Lake (prod)", "[prod] #1; a=b", "Données", "x".repeat(256)])(
    "account name %j is taken (it reaches the file only sanitized)",
    (n) => expect(portalAccountName(n, "111122223333", "corp")).toBe(n),
  );
  test("a missing account name is the account id", () => {
    expect(portalAccountName(undefined, "111122223333", "corp")).toBe("111122223333");
    expect(portalAccountName("", "111122223333", "corp")).toBe("111122223333");
  });
  test.each([
    "a\nb",
    "a\rb",
    "\u001b[31mred",
    "a\u0085b",
    "a\u2028b",
    "a\u007fb",
    "\ud800",
    "x".repeat(257),
  ])("account name %j is refused", (n) =>
    expect(codeOf(() => portalAccountName(n, "111122223333", "corp"))).toBe("E_STS"),
  );

  test("the message quotes the value on one line, escaped and cut", () => {
    const e = (() => {
      try {
        portalAccountId(`1\n[default]\u2028\u009b${"x".repeat(100_000)}`, "corp");
      } catch (err) {
        return err as AwsxError;
      }
    })()!;
    expect(e.message).toMatch(
      joinRegExp(
        /^the SSO portal answered an account id /,
        /"1\\n\[default\]\\u2028\\u009bx+"\.\.\. \(100013 characters\) for /,
        /sso-session "corp", which is not 12 digits; nothing was written/,
      ),
    );
    expect(e.message.length).toBeLessThan(300);
    expect(shown(undefined)).toBe("nothing");
  });
});

describe("the block finder refuses rather than guesses", () => {
  const find = (text: string) => () => findBlock(text.split("\n"), "corp", FILE);
  test.each([
    ["a second BEGIN inside the block", `${BEGIN}\n${BEGIN}\n${END}\n`, /twice \(lines 1 and 2\)/],
    ["two blocks", `${BEGIN}\n${END}\n[x]\n${BEGIN}\n${END}\n`, /BEGIN.*twice \(lines 1 and 4\)/],
    ["END missing", `${BEGIN}\n[x]\n`, /\(line 1\) without "# END/],
    ["BEGIN missing", `[x]\n${END}\n`, /"# END awsx sso sync corp" \(line 2\) without/],
    ["END before BEGIN", `${END}\n${BEGIN}\n`, /\(line 1\) before "# BEGIN/],
    ["three ENDs", `${BEGIN}\n${END}\n${END}\n${END}`, /3 times \(lines 2, 3, 4\)/],
    ["another session's marker inside", `${BEGIN}\n# END awsx sso sync x\n${END}`, /line 2/],
    ["an indented BEGIN counts", `${BEGIN}\n  ${BEGIN}  \n${END}`, /twice/],
  ])("%s: 78 naming the file and lines", (_, text, why) => {
    expect(codeOf(find(text))).toBe("E_CONFIG");
    expect(find(text)).toThrow(why);
    expect(find(text)).toThrow(new RegExp(`^${FILE} has `));
  });
  test("one BEGIN then one END (CRLF too); none at all", () => {
    expect(find(`[x]\r\n${BEGIN}\r\n[y]\r\n${END}\r\n`)()).toEqual([1, 3]);
    expect(find("[x]\n# BEGIN awsx sso sync corporate\n")()).toBeUndefined();
  });
});

// The sections and keys a parsed text has.
const shape = (text: string) =>
  Object.fromEntries([...parseIni(text)].map(([h, s]) => [h, s] as const));

const input = (pairs: SyncPair[], over: Partial<Parameters<typeof syncedConfig>[0]> = {}) => ({
  before: USER,
  file: FILE,
  session: "corp",
  pairs,
  template: "{account_id}/{role_name}",
  ...over,
});
const PAIR = { accountId: "111122223333", accountName: "dev", roleName: "Admin" };

describe("the text is read back before it is written", () => {
  test("a value with a line break that got past the checks: 78, nothing written", () => {
    const hostile = { ...PAIR, roleName: "Admin\n[default]\ncredential_process = x" };
    expect(codeOf(() => syncedConfig(input([hostile])))).toBe("E_CONFIG");
    expect(() => syncedConfig(input([hostile]))).toThrow(/line 8 holds a line break/);
    const region = "eu-west-1\ncredential_process = x";
    expect(() => syncedConfig(input([PAIR], { region }))).toThrow(/holds a line break/);
  });

  test("a value configparser reads otherwise ('#'-free but with a leading space)", () => {
    const odd = { ...PAIR, roleName: " Admin" };
    expect(() => syncedConfig(input([odd], { template: "{account_id}" }))).toThrow(
      /\[profile 111122223333\] sso_role_name reads "Admin"/,
    );
  });

  test("user lines after the block that would join its last profile: 78", () => {
    const first = syncedConfig(input([PAIR])).after;
    for (const tail of ["  credential_process = x\n", "credential_process = x\n", "\n\t x\n"])
      expect(() => syncedConfig(input([PAIR], { before: first + tail }))).toThrow(
        /\[profile 111122223333\/Admin\] .* in the file: a line after "# END awsx sso sync corp"/,
      );
    const fine = `${first}# mine\n\n[profile mine]\nregion = x\n`;
    expect(syncedConfig(input([PAIR], { before: fine })).after).toBe(fine);
  });

  test("a [DEFAULT] section of the user's applies to the block's profiles, as in the CLI", () => {
    const before = `[DEFAULT]\nregion = eu-west-1\n${USER}`;
    const { after } = syncedConfig(input([PAIR], { before }));
    expect(shape(after)["profile 111122223333/Admin"]).toEqual({
      region: "eu-west-1",
      sso_session: "corp",
      sso_account_id: "111122223333",
      sso_role_name: "Admin",
    });
  });
});

// ---- the fuzz ----

// Pieces of hostile values: the file's syntax, marker lines, control characters, line breaks
// of every reader, and ordinary text.
const PIECES = [
  "\n",
  "\r",
  "\r\n",
  "[",
  "]",
  "=",
  ":",
  "#",
  ";",
  " ",
  "\t",
  "\u0000",
  "\u000b",
  "\u000c",
  "\u001c",
  "\u001b[2J",
  "\u0085",
  "\u2028",
  "\u009b",
  "\ud800",
  BEGIN,
  END,
  "# BEGIN awsx sso sync other",
  "[default]",
  "[profile x]",
  "credential_process = /bin/touch /tmp/pwned",
  "  nested = 1",
  "Admin",
  "111122223333",
  "é",
  "-",
];
const BIG = ["A".repeat(100_000), "1".repeat(100_000), `x\n${"[default]\n".repeat(10_000)}`];
const hostile = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 7 }).map((p) => p.join("")),
  },
  { weight: 1, arbitrary: fc.constantFrom(...BIG) },
);
const validId = fc.stringMatching(/^[0-9]{12}$/);
const validRole = fc.stringMatching(/^[\w+=,.@-]{1,20}$/);
const validName = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant(undefined));
const maybe = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: hostile });

interface RawAccount {
  accountId: unknown;
  accountName: unknown;
  roles: unknown[];
}
const account = fc.record({
  accountId: maybe(validId),
  accountName: maybe(validName),
  roles: fc.array(maybe(validRole), { minLength: 1, maxLength: 3 }),
});

// A portal that answers the raw values as they are.
const portalOf = (accounts: RawAccount[]): SsoPortal => ({
  listAccounts: async () => accounts as unknown as PortalAccount[],
  listAccountRoles: async (_t, id) =>
    (accounts.find((a) => a.accountId === id)?.roles ?? []) as string[],
  getRoleCredentials: () => Promise.reject(new Error("not used")),
  logout: () => Promise.reject(new Error("not used")),
});

const isId = (v: unknown) => typeof v === "string" && /^[0-9]{12}$/.test(v);
const isRole = (v: unknown) => typeof v === "string" && /^[\w+=,.@-]{1,64}$/.test(v);
// eslint-disable-next-line no-control-regex
const isName = (v: unknown) =>
  v === undefined ||
  v === "" ||
  (typeof v === "string" && /^[^\p{Cc}\p{Cs}\u2028\u2029]{1,256}$/u.test(v));

// The user's text of a file: all of it but the block.
const outside = (text: string) =>
  text.includes(BEGIN)
    ? text.slice(0, text.indexOf(BEGIN)) + text.slice(text.indexOf(END) + END.length + 1)
    : text;

// What a clean user file with an earlier block (or none) becomes, or why sync refused.
async function sync(accounts: RawAccount[], before: string, template: string) {
  try {
    const pairs = await listPairs(portalOf(accounts), "token", "corp");
    return { pairs, ...syncedConfig(input(pairs, { before, template })) };
  } catch (e) {
    if (!(e instanceof AwsxError)) throw e;
    expect(e.message).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(e.message.length).toBeLessThan(600);
    return { code: e.code };
  }
}

// The user's sections, and exactly one section per expected pair with its three keys.
function expectExactly(after: string, pairs: SyncPair[], names: string[], userText: string) {
  const got = shape(after);
  const user = shape(userText);
  const expected: Record<string, unknown> = { ...user };
  pairs.forEach((p, i) => {
    expected[`profile ${names[i]}`] = {
      sso_session: "corp",
      sso_account_id: p.accountId,
      sso_role_name: p.roleName,
    };
  });
  expect(got).toEqual(expected);
  expect(
    after.split("\n").filter((l) => /awsx sso sync/.test(l) && /^# (BEGIN|END)/.test(l)),
  ).toEqual([BEGIN, END]);
}

describe("fuzz: hostile portal answers", () => {
  const earlier = syncedConfig(input([PAIR])).after;
  const befores = fc.constantFrom(USER, earlier, `${earlier}\n[profile mine]\nregion = x\n`);

  test("refused before anything is written (77), or exactly the profiles meant", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(account, { maxLength: 4 }), befores, async (accounts, before) => {
        const r = await sync(accounts, before, "{account_id}/{role_name}");
        // The roles of an account listed twice are listed once, from the first.
        const first = accounts.filter(
          (a, i) => accounts.findIndex((b) => b.accountId === a.accountId) === i,
        );
        const bad =
          accounts.some((a) => !isId(a.accountId) || !isName(a.accountName)) ||
          first.some((a) => !a.roles.every(isRole));
        if (bad) return void expect(r).toEqual({ code: "E_STS" });
        if ("code" in r) {
          // Two roles that differ only in leading or trailing '-' share a name.
          return void expect(r.code).toBe("E_USAGE");
        }
        const user = outside(before);
        const names = r.pairs.map(
          (p) => `${p.accountId}/${p.roleName.replace(/^-+|-+$/g, "") || "-"}`,
        );
        const order = names
          .map((n, i) => [n, i] as const)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expectExactly(
          r.after,
          order.map(([, i]) => r.pairs[i]!),
          order.map(([n]) => n),
          user,
        );
      }),
      { numRuns: 300 },
    );
  });

  test("the writer's own check: hostile pairs handed straight to it never reach the text", () => {
    const pair = fc.record({
      accountId: maybe(validId) as fc.Arbitrary<string>,
      accountName: fc.oneof(hostile, fc.string({ maxLength: 10 })),
      roleName: maybe(validRole) as fc.Arbitrary<string>,
    });
    const region = fc.oneof(fc.constant(undefined), fc.constant("eu-west-1"), hostile);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 3 }), befores, region, (pairs, before, reg) => {
        let out: ReturnType<typeof syncedConfig>;
        try {
          out = syncedConfig(
            input(pairs, {
              before,
              template: "{account_name}-{account_id}",
              ...(reg ? { region: reg } : {}),
            }),
          );
        } catch (e) {
          if (!(e instanceof AwsxError)) throw e;
          expect(["E_CONFIG", "E_USAGE"]).toContain(e.code);
          return;
        }
        const got = shape(out.after);
        for (const p of out.profiles)
          expect(got[`profile ${p.name}`]).toEqual({
            sso_session: "corp",
            sso_account_id: p.accountId,
            sso_role_name: p.roleName,
            ...(reg ? { region: reg } : {}),
          });
        const meant = [
          ...Object.keys(shape(outside(before))),
          ...out.profiles.map((p) => `profile ${p.name}`),
        ];
        expect(Object.keys(got).sort()).toEqual(meant.sort());
        expect(out.after.match(/^# (BEGIN|END) awsx sso sync .*$/gm)).toEqual([BEGIN, END]);
      }),
      { numRuns: 300 },
    );
  });
});

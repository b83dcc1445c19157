// awsx sso sync's pure parts: profile names from the template, the marked block merged into
// the config text without touching a byte outside it, and the dry run's unified diff
// (__tests__/differential/ssoSync.test.ts applies it with patch(1)).
import fc from "fast-check";
import {
  mergeBlock,
  nameProfiles,
  profileName,
  renderBlock,
  userProfileNames,
} from "../../src/sso/syncBlock.js";
import { syncDiff } from "../../src/sso/syncDiff.js";

const PAIR = { accountId: "111111111111", accountName: "Data Lake (prod)", roleName: "Admin" };

describe("profile names", () => {
  test("the default template, values sanitized", () => {
    expect(profileName("{account_name}/{role_name}", PAIR, "corp")).toBe("Data-Lake-prod/Admin");
    expect(profileName("{session}-{account_id}-{role_name}", PAIR, "corp")).toBe(
      "corp-111111111111-Admin",
    );
  });

  test("unknown fields, names the config file cannot hold and collisions are usage errors", () => {
    expect(() => profileName("{account}", PAIR, "corp")).toThrow(/unknown field \{account\}/);
    expect(() => profileName("my {role_name}", PAIR, "corp")).toThrow(/profile name "my Admin"/);
    const twin = { ...PAIR, accountId: "222222222222" };
    expect(() => nameProfiles([PAIR, twin], "{account_name}/{role_name}", "corp")).toThrow(
      /would both be "Data-Lake-prod\/Admin"; add \{account_id\}/,
    );
  });

  test("profiles come out sorted by name", () => {
    const b = { ...PAIR, accountName: "b" };
    const a = { ...PAIR, accountName: "a", accountId: "2" };
    expect(nameProfiles([b, a], "{account_name}", "s").map((p) => p.name)).toEqual(["a", "b"]);
  });
});

describe("the marked block", () => {
  const block = (role: string) =>
    renderBlock("corp", nameProfiles([{ ...PAIR, roleName: role }], "{role_name}", "corp"));

  test("appended after a blank line; replaced in place; the same block changes nothing", () => {
    const user = "[default]\nregion = eu-west-1\n# my notes\n";
    const once = mergeBlock(user, "corp", block("Admin"));
    expect(once.startsWith(`${user}\n# BEGIN awsx sso sync corp\n`)).toBe(true);
    expect(once.endsWith("# END awsx sso sync corp\n")).toBe(true);
    expect(mergeBlock(once, "corp", block("Admin"))).toBe(once);
    const after = `${once}[profile mine]\nregion = us-east-1`;
    const replaced = mergeBlock(after, "corp", block("ReadOnly"));
    expect(replaced).toBe(
      after
        .replace("[profile Admin]", "[profile ReadOnly]")
        .replace("sso_role_name = Admin", "sso_role_name = ReadOnly"),
    );
  });

  test("every byte outside the block is kept (random user text)", () => {
    const line = fc.stringMatching(/^[ -~\t]{0,30}$/).filter((l) => !l.includes("awsx sso sync"));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, crlf) => {
        const eol = crlf ? "\r\n" : "\n";
        const user = lines.join(eol);
        const merged = mergeBlock(user, "corp", block("Admin"));
        expect(merged.startsWith(user)).toBe(true);
        const again = mergeBlock(merged, "corp", block("Other"));
        expect(again.startsWith(user)).toBe(true);
        expect(again.length - merged.length).toBe("Other".length * 2 - "Admin".length * 2);
      }),
      { numRuns: 200 },
    );
  });

  test("a BEGIN without its END is a config error, never a guess", () => {
    expect(() => mergeBlock("# BEGIN awsx sso sync corp\n[x]\n", "corp", block("A"))).toThrow(
      /without "# END awsx sso sync corp"/,
    );
  });

  test("the user's own profiles are those outside the block", () => {
    const text = mergeBlock("[profile mine]\n[default]\n", "corp", block("Admin"));
    expect([...userProfileNames(text, "corp")].sort()).toEqual(["default", "mine"]);
  });
});

describe("the dry run's unified diff (the diff package)", () => {
  test("equal texts: no diff", () => {
    expect(syncDiff("a\n", "a\n", "x")).toBe("");
  });

  test("a hunk as diff -u writes it", () => {
    const d = syncDiff("a\nb\nc\n", "a\nB\nc\nd\n", "old");
    expect(d).toBe("--- old\n+++ old (awsx sso sync)\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n");
  });

  test("a file name with a control character is quoted in the header, never written raw", () => {
    const d = syncDiff("a\n", "b\n", "/h/\u001b[31m\nconfig");
    expect(d.split("\n").slice(0, 2)).toEqual([
      '--- "/h/\\033[31m\\nconfig"',
      '+++ "/h/\\033[31m\\nconfig (awsx sso sync)"',
    ]);
  });

  test("a rewrite of every profile gives up early and is one hunk", () => {
    const config = (role: string) =>
      Array.from({ length: 600 }, (_, i) => {
        // Changes 8 lines apart: a diff within the limit would write a hunk for each.
        const rest = "sso_session = s\nregion = us-east-1\noutput = json\n\n\n\n";
        return `[profile p${i}]\nsso_role_name = ${role}${i}\n${rest}`;
      });
    const d = syncDiff(config("Admin").join(""), config("Reader").join(""), "config");
    expect(d.match(/^@@ /gm)).toEqual(["@@ "]);
    expect(d.split("\n").filter((l) => l.startsWith("-sso_role_name"))).toHaveLength(600);
  });
});

// fast-check properties that complete the ones in __tests__/unit/properties.test.ts (planner,
// decoder never throws) and __tests__/unit/ini.test.ts (INI vs botocore):
// - `awsx env` quoting: random values (any Unicode scalar but NUL, and raw bytes 1-255) come
//   back byte for byte after eval in real dash and bash (and fish, zsh when present);
// - the INI loader: rendered files parse back to what was rendered; arbitrary text and binary
//   only ever raise IniParseError; parse time stays linear;
// - shlex (credential_process, section headers): quoted words split back to themselves;
// - the command line: whatever follows `--` reaches the child unchanged; any line parses or
//   is a one-line usage error in awsx's words;
// - the cache entry codec: encode/decode round-trips and is bound to its key;
// - the log redactor: a registered secret never survives, whatever surrounds it.
// Every property batches its inputs so each shell starts once per run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { formatEnv } from "../../src/exec/envFormat.js";
import { parseIni, IniParseError } from "../../src/config/ini.js";
import { shlexSplit } from "../../src/util/shlex.js";
import { TABLE } from "../../src/cli/commands/index.js";
import { parseCommandLine, tableOf } from "../../src/cli/parse.js";
import { isAwsxError } from "../../src/errors.js";
import { decodeEntry, encodeEntry, type CacheEntry } from "../../src/cache/cacheEntry.js";
import { createLogger } from "../../src/util/log.js";
import { checkAll } from "../helpers/requirements.js";
import { joinRegExp } from "../helpers/regex.js";

// AWSX_PROP_SCALE=10 for a deeper local run (as in properties.test.ts).
const SCALE = Number(process.env.AWSX_PROP_SCALE ?? 1);
const shellsOk = await checkAll("dash", "bash");
const cliTable = tableOf(TABLE);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "awsx-fuzz-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- env quoting in real shells --------------------------------------------------------

// Any Unicode scalar value except NUL (formatEnv refuses NUL: no shell variable can hold it).
const scalar = fc
  .integer({ min: 1, max: 0x10ffff - 0x800 })
  .map((n) => String.fromCodePoint(n >= 0xd800 ? n + 0x800 : n));
// Mostly the characters that matter to a shell, often repeated; sometimes anything.
const shellish = fc.constantFrom(
  "'",
  '"',
  "\\",
  "$",
  "`",
  "!",
  "\n",
  "\r",
  " ",
  "\t",
  ";",
  "&",
  "|",
  "(",
  ")",
  "{",
  "}",
  "*",
  "?",
  "[",
  "]",
  "~",
  "#",
  "%",
  "-",
  "=",
  "\x7f",
  "\x1b",
  "é",
  "😀",
  "\u2028",
  "\u00a0",
);
const valueChar = fc.oneof(
  { arbitrary: shellish, weight: 3 },
  { arbitrary: scalar, weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 127 }).map((n) => String.fromCharCode(n)), weight: 2 },
);
const unicodeValue = fc.array(valueChar, { maxLength: 40 }).map((cs) => cs.join(""));
// Code points 1-255 only: written as latin1, each is one byte, so the shell sees every byte
// value (most of them invalid UTF-8).
const byteValue = fc
  .array(fc.integer({ min: 1, max: 255 }), { maxLength: 40 })
  .map((bs) => String.fromCharCode(...bs));

interface ShellCase {
  exe: string;
  format: "sh" | "fish";
  // Reads the file $1 and prints each Vi followed by a NUL.
  args: (file: string, n: number) => string[];
  env?: Record<string, string>;
}
const shLoader = (file: string, n: number) => [
  "-c",
  `eval "$(cat "$1")" || exit 9\n` +
    `printf '%s\\0' ${Array.from({ length: n }, (_, i) => `"$V${i}"`).join(" ")}`,
  "sh",
  file,
];
const SHELLS: Record<string, ShellCase> = {
  dash: { exe: "dash", format: "sh", args: shLoader },
  bash: { exe: "bash", format: "sh", args: shLoader },
  "bash (LC_ALL=C)": { exe: "bash", format: "sh", args: shLoader, env: { LC_ALL: "C" } },
  zsh: { exe: "zsh", format: "sh", args: shLoader },
  fish: {
    exe: "fish",
    format: "fish",
    args: (file, n) => [
      "-c",
      `source $argv[1]\nprintf '%s\\0' ${Array.from({ length: n }, (_, i) => `$V${i}`).join(" ")}`,
      file,
    ],
  },
};

// Evaluates formatEnv(values) in the shell; returns the values the shell
// holds afterwards, as bytes.
function roundTrip(shell: ShellCase, values: string[], encoding: "utf8" | "latin1"): Buffer[] {
  const file = path.join(dir, `env-${shell.exe}-${process.hrtime.bigint()}.txt`);
  writeFileSync(
    file,
    Buffer.from(
      formatEnv(
        values.map((v, i) => [`V${i}`, v]),
        shell.format,
      ),
      encoding,
    ),
  );
  const r = spawnSync(shell.exe, shell.args(file, values.length), {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LC_ALL: "C.UTF-8", ...shell.env },
    encoding: "buffer",
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(file, { force: true });
  expect({ status: r.status, stderr: r.stderr?.toString() }).toEqual({ status: 0, stderr: "" });
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] === 0) {
      out.push(r.stdout.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

function checkShell(name: string, values: string[], encoding: "utf8" | "latin1"): void {
  const got = roundTrip(SHELLS[name]!, values, encoding);
  const bad = values.flatMap((v, i) => {
    const want = Buffer.from(v, encoding);
    return got[i]?.equals(want)
      ? []
      : [
          {
            shell: name,
            value: JSON.stringify(v),
            want: want.toString("hex"),
            got: got[i]?.toString("hex"),
          },
        ];
  });
  expect(got).toHaveLength(values.length);
  expect(bad).toEqual([]);
}

// 25 runs of 40 values each: 1000 values per shell and alphabet, one shell start per run.
const BATCH = fc.array(unicodeValue, { minLength: 40, maxLength: 40 });
const BYTE_BATCH = fc.array(byteValue, { minLength: 40, maxLength: 40 });
const RUNS = 25 * SCALE;

(shellsOk ? describe : describe.skip)(
  "awsx env -f sh: any value survives eval byte for byte",
  () => {
    test.each(["dash", "bash", "bash (LC_ALL=C)"])("%s, Unicode values", (name) => {
      fc.assert(
        fc.property(BATCH, (values) => checkShell(name, values, "utf8")),
        { numRuns: RUNS },
      );
    });

    test.each(["dash", "bash", "bash (LC_ALL=C)"])(
      "%s, raw bytes 1-255 (mostly invalid UTF-8)",
      (name) => {
        fc.assert(
          fc.property(BYTE_BATCH, (values) => checkShell(name, values, "latin1")),
          { numRuns: RUNS },
        );
      },
    );

    test("every byte value 1-255 alone and all together, in dash and bash", () => {
      const values = [
        ...Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)),
        Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join(""),
      ];
      for (const name of ["dash", "bash"]) checkShell(name, values, "latin1");
    });
  },
);

// zsh and fish: skipped with a notice when missing locally, a failure under CI=true.
describe("zsh (-f sh) and fish (-f fish)", () => {
  test.each(["zsh", "fish"])("%s, Unicode values", async (name) => {
    if (!(await checkAll(SHELLS[name]!.exe))) return;
    fc.assert(
      fc.property(BATCH, (values) => checkShell(name, values, "utf8")),
      { numRuns: RUNS },
    );
  });
});

test("json format: any value parses back to itself", () => {
  fc.assert(
    fc.property(fc.array(unicodeValue, { maxLength: 10 }), (values) => {
      const vars: Array<[string, string]> = values.map((v, i) => [`V${i}`, v]);
      expect(JSON.parse(formatEnv(vars, "json"))).toEqual(Object.fromEntries(vars));
    }),
    { numRuns: 300 * SCALE },
  );
});

// ---- the INI loader --------------------------------------------------------------------

describe("parseIni", () => {
  // Names and values that configparser keeps as they are: no leading/trailing space, no
  // delimiters in keys, no comment prefix, no brackets in section names.
  const nameChars = fc.constantFrom(..."abcxyz019_-./@+".split(""), "é", "ü", "名");
  const keyName = fc
    .array(nameChars, { minLength: 1, maxLength: 12 })
    .map((cs) => cs.join("").toLowerCase());
  const sectionName = fc
    .array(fc.oneof(nameChars, fc.constant(" ")), { minLength: 1, maxLength: 16 })
    .map((cs) => cs.join(""))
    .filter((s) => s.trim() === s && s !== "DEFAULT");
  const valueText = fc
    .array(
      fc.oneof(nameChars, fc.constantFrom(" ", "=", ":", "#", ";", "[", "]", "$", "'", '"', "\\")),
      { maxLength: 30 },
    )
    .map((cs) => cs.join("").trim());
  const section = fc.tuple(
    sectionName,
    fc.uniqueArray(fc.tuple(keyName, valueText), { maxLength: 8, selector: ([k]) => k }),
  );
  const file = fc.uniqueArray(section, { maxLength: 8, selector: ([n]) => n });

  test(
    "a rendered file parses back to exactly what was rendered (any delimiter style, " +
      "any line ending)",
    () => {
      fc.assert(
        fc.property(
          file,
          fc.constantFrom(" = ", "=", ": ", " : "),
          fc.constantFrom("\n", "\r\n", "\r"),
          (sections, delim, eol) => {
            // A value starting with a newline-free text never looks nested; "" stays "".
            const text =
              sections
                .map(([name, kvs]) =>
                  [`[${name}]`, ...kvs.map(([k, v]) => `${k}${delim}${v}`)].join(eol),
                )
                .join(eol) + eol;
            const parsed = parseIni(text);
            expect([...parsed.keys()]).toEqual(sections.map(([n]) => n));
            for (const [name, kvs] of sections)
              expect(parsed.get(name)).toEqual(Object.fromEntries(kvs));
          },
        ),
        { numRuns: 500 * SCALE },
      );
    },
  );

  test(
    "arbitrary text, binary and unicode: a result or an IniParseError, " +
      "never another exception",
    () => {
      const anyText = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.string({ unit: "grapheme", maxLength: 100 }),
      );
      let errors = 0;
      fc.assert(
        fc.property(anyText, (text) => {
          try {
            parseIni(text);
          } catch (e) {
            if (!(e instanceof IniParseError)) throw e;
            errors++;
          }
        }),
        { numRuns: 2000 * SCALE },
      );
      expect(errors).toBeGreaterThan(100);
    },
  );

  // A hang guard, not a speed test (speed is the benchmark's): 240,000 lines take a fraction
  // of a second when the parser is linear; a quadratic one (a rescan per line, a regex that
  // backtracks across the file) needs minutes, far past any busy machine's slowness.
  test("240,000 lines parse within a hang guard (no quadratic work)", () => {
    const unit =
      "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\n  continued = x\n# c\n; d\n" +
      "region=eu-west-1\n";
    const text = Array.from({ length: 40_000 }, (_, i) =>
      unit.replace("[profile p]", `[profile p${i}]`),
    ).join("");
    const t0 = performance.now();
    expect(parseIni(text).size).toBe(40_000);
    const elapsedMs = performance.now() - t0;
    expect(elapsedMs).toBeLessThan(20_000);
  });
});

// ---- shlex and argv ---------------------------------------------------------------------

describe("word splitting", () => {
  const word = fc.string({ unit: fc.oneof(scalar, shellish), maxLength: 20 });
  const posixQuote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

  test("shlexSplit: single-quoted words (any characters) split back to themselves", () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 8 }),
        fc.constantFrom(" ", "\t", "  \n "),
        (words, sep) => {
          expect(shlexSplit(words.map(posixQuote).join(sep))).toEqual(words);
        },
      ),
      { numRuns: 1000 * SCALE },
    );
  });

  test("shlexSplit on arbitrary text: words or a ShlexError, nothing else", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(shellish, scalar), maxLength: 60 }), (text) => {
        try {
          const words = shlexSplit(text);
          expect(Array.isArray(words)).toBe(true);
        } catch (e) {
          expect((e as Error).constructor.name).toBe("ShlexError");
        }
      }),
      { numRuns: 1000 * SCALE },
    );
  });

  test("whatever follows `--` reaches the child unchanged", () => {
    const flags = fc
      .subarray(["--debug", "--no-cache", "--region", "eu-west-1", "--backend", "none", "-q"], {
        maxLength: 3,
      })
      .filter((f) => {
        // A value flag must keep its value right after it.
        const i = f.indexOf("--region");
        const j = f.indexOf("--backend");
        return (
          (i < 0 || f[i + 1] === "eu-west-1") &&
          (j < 0 || f[j + 1] === "none") &&
          !f.includes("eu-west-1") === i < 0 &&
          !f.includes("none") === j < 0
        );
      });
    const profile = fc
      .string({ unit: scalar, minLength: 1, maxLength: 12 })
      .filter((p) => !p.startsWith("-"));
    fc.assert(
      fc.property(flags, profile, fc.array(word, { maxLength: 8 }), (f, p, child) => {
        const parsed = parseCommandLine(["exec", ...f, p, "--", ...child], cliTable);
        expect(
          parsed.kind === "run" && [parsed.command.name, parsed.input.profile, parsed.input.rest],
        ).toEqual(["exec", p, child]);
      }),
      { numRuns: 1000 * SCALE },
    );
  });

  test(
    "any command line: a parse, or one usage error line in awsx's words " + "(never parseArgs')",
    () => {
      const names = cliTable.specs.flatMap((o) => [
        `--${o.name}`,
        `--no-${o.name}`,
        ...(o.short ? [`-${o.short}`] : []),
      ]);
      const piece = fc.oneof(
        fc.constantFrom(
          ...TABLE.map((c) => c.name),
          "nosuch",
          "--",
          "-",
          "true",
          "false",
          "",
          "prod",
          "sh",
          "3600",
          "memory",
        ),
        fc.constantFrom(...names),
        fc
          .tuple(fc.constantFrom(...names), fc.constantFrom("true", "false", "x", "", "-1", "="))
          .map(([n, v]) => `${n}=${v}`),
        fc.constantFrom("-qr", "-qd", "-hq", "-rq", "-qz", "-fq", "---x", "-=", "--="),
        word,
      );
      let errors = 0;
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 8 }), (argv) => {
          try {
            parseCommandLine(argv, cliTable);
          } catch (e) {
            errors++;
            expect(isAwsxError(e) && e.code).toBe("E_USAGE");
            const message = (e as Error).message;
            expect(message).toMatch(/^[^\n]+; see awsx( [a-z_-]+)? --help$/);
            expect(message).not.toMatch(
              joinRegExp(
                /cannot read the options|To specify|ambiguous|ERR_PARSE_ARGS|Unknown /,
                /option '|does not take an argument/,
              ),
            );
          }
        }),
        { numRuns: 5000 * SCALE },
      );
      // The generator must reach the error paths, not only good lines.
      expect(errors).toBeGreaterThan(500 * SCALE);
    },
  );
});

// ---- cache entries -----------------------------------------------------------------------

describe("cache entry codec", () => {
  const text = fc.string({ unit: scalar, minLength: 1, maxLength: 60 });
  const isoDate = fc
    .date({
      min: new Date("2000-01-01T00:00:00Z"),
      max: new Date("2100-01-01T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
  const entry: fc.Arbitrary<CacheEntry> = fc.record({
    v: fc.constant(1 as const),
    key: fc.stringMatching(/^[0-9a-f]{64}$/),
    profile: text,
    kind: fc.constantFrom("assumeRole" as const, "sessionToken" as const, "webIdentity" as const),
    label: text,
    profiles: fc.array(text, { maxLength: 5 }),
    createdAt: isoDate,
    expiration: isoDate,
    credentials: fc.record(
      {
        accessKeyId: text,
        secretAccessKey: text,
        sessionToken: fc.string({ unit: scalar, maxLength: 400 }),
      },
      { requiredKeys: ["accessKeyId", "secretAccessKey"] },
    ),
  });

  test("decode(encode(e)) is e, under its own key; under any other key it is a miss", () => {
    fc.assert(
      fc.property(entry, fc.stringMatching(/^[0-9a-f]{64}$/), (e, other) => {
        const text = encodeEntry(e);
        expect(decodeEntry(text, e.key)).toEqual(e);
        expect(decodeEntry(text)).toEqual(e);
        if (other !== e.key) expect(decodeEntry(text, other)).toBeUndefined();
      }),
      { numRuns: 1000 * SCALE },
    );
  });

  test(
    "any truncation or single-character change of an encoded entry is a miss or still a valid " +
      "entry, never a throw",
    () => {
      fc.assert(
        fc.property(entry, fc.nat(), fc.nat(), scalar, (e, cut, at, ch) => {
          const text = encodeEntry(e);
          const truncated = text.slice(0, cut % text.length);
          expect(decodeEntry(truncated, e.key)).toBeUndefined();
          const i = at % text.length;
          const changed = text.slice(0, i) + ch + text.slice(i + 1);
          const d = decodeEntry(changed, e.key);
          if (d !== undefined) {
            expect(d.key).toBe(e.key);
            expect(typeof d.credentials.secretAccessKey).toBe("string");
          }
        }),
        { numRuns: 1000 * SCALE },
      );
    },
  );
});

// ---- the log redactor ------------------------------------------------------------------

test(
  "the logger never writes a registered secret, " +
    "whatever text surrounds it (stderr and AWSX_LOG_FILE alike)",
  () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9/+=]{16,80}$/);
    const around = fc.string({
      unit: fc.oneof(scalar, fc.constantFrom("A", "a", "0", "/", "+", "=", " ", "\n")),
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 4 }),
        fc.array(around, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (secrets, parts, debug) => {
          const lines: string[] = [];
          const log = createLogger({ debug, write: (l) => lines.push(l) });
          for (const s of secrets) log.secret(s);
          // The secrets embedded, repeated and back to back, between arbitrary text.
          const message = parts
            .map((p, i) => p + secrets[i % secrets.length]! + secrets[(i + 1) % secrets.length]!)
            .join("");
          log.error(message);
          log.warn(message);
          log.debug(message);
          const out = lines.join("");
          for (const s of secrets) expect(out.includes(s)).toBe(false);
          expect(lines.length).toBe(debug ? 3 : 2);
        },
      ),
      { numRuns: 1000 * SCALE },
    );
  },
);

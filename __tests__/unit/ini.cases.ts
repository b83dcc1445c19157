// INI texts parseIni is checked on, each with what it reads (botocore's raw_config_parse
// reads the same: __tests__/differential/ini.test.ts runs it on every row).
import type { IniFile } from "../../src/config/ini.js";

export const toObject = (ini: IniFile): Record<string, Record<string, unknown>> =>
  Object.fromEntries(ini);

// [name, text, expected parseIni result as an object, or "error"]
export type Case = [string, string, Record<string, Record<string, unknown>> | "error"];
export const CASES: Case[] = [
  ["empty file", "", {}],
  ["comments only", "# a\n; b\n\n", {}],
  [
    "full-line # and ; comments",
    "# top\n; top\n[default]\n# c\na = 1\n  ; indented comment\nb = 2\n",
    { default: { a: "1", b: "2" } },
  ],
  [
    "inline # is part of the value",
    "[default]\nregion = us-east-1 # prod\n",
    { default: { region: "us-east-1 # prod" } },
  ],
  ["inline ; is part of the value", "[p]\na = b ; c\n", { p: { a: "b ; c" } }],
  [": is a delimiter", "[p]\nregion: eu-west-1\n", { p: { region: "eu-west-1" } }],
  ["first delimiter wins (:)", "[p]\na:b=c\n", { p: { a: "b=c" } }],
  ["first delimiter wins (=)", "[p]\na=b:c\n", { p: { a: "b:c" } }],
  ["value containing = signs", "[p]\na = b = c\n", { p: { a: "b = c" } }],
  [
    "keys are lower-cased, section names are not",
    "[Profile X]\nAWS_Access_Key_ID = AKIDEXAMPLE\n",
    { "Profile X": { aws_access_key_id: "AKIDEXAMPLE" } },
  ],
  ["key with inner spaces", "[p]\nmy key = v\n", { p: { "my key": "v" } }],
  ["# inside a key", "[p]\na#b = 1\n", { p: { "a#b": "1" } }],
  ["empty value", "[p]\na =\nb=\n", { p: { a: "", b: "" } }],
  [
    "continuation lines",
    "[p]\na = one\n  two\n\tthree\nb = 2\n",
    { p: { a: "one\ntwo\nthree", b: "2" } },
  ],
  [
    "empty lines inside a value",
    "[p]\na = one\n\n  two\nb = 3\n",
    { p: { a: "one\n\ntwo", b: "3" } },
  ],
  ["whitespace-only lines inside a value", "[p]\na = 1\n   \n\t\n  b\n", { p: { a: "1\n\n\nb" } }],
  ["trailing empty lines are dropped", "[p]\na = one\n\n\n", { p: { a: "one" } }],
  [
    "comment lines inside a value are skipped",
    "[p]\na = one\n  # c\n  two\n",
    { p: { a: "one\ntwo" } },
  ],
  ["less-indented line ends a continuation", "[p]\n  a = 1\n b = 2\n", { p: { a: "1", b: "2" } }],
  [
    "indented header after an option is a continuation",
    "[p]\na = 1\n  [q]\n",
    { p: { a: "1\n[q]" } },
  ],
  [
    "header at the option's indent is a header",
    "[p]\n  a = 1\n  [q]\n  b = 2\n",
    { p: { a: "1" }, q: { b: "2" } },
  ],
  [
    "[DEFAULT] applies to every section, the section wins",
    "[DEFAULT]\nregion = x\nk = d\n[a]\nk = 1\n[b]\nregion = y\n",
    { a: { region: "x", k: "1" }, b: { region: "y", k: "d" } },
  ],
  ["[DEFAULT] alone yields no section", "[DEFAULT]\nregion = x\n", {}],
  [
    "[DEFAULT] twice with different keys",
    "[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n[s]\n",
    { s: { a: "1", b: "2" } },
  ],
  ["[DEFAULT] twice with the same key", "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n[s]\n", "error"],
  ["[default] is an ordinary section", "[default]\na = 1\n[s]\n", { default: { a: "1" }, s: {} }],
  ["duplicate section", "[p]\na = 1\n[q]\n[p]\nb = 2\n", "error"],
  ["duplicate key", "[p]\na = 1\na = 2\n", "error"],
  ["duplicate key differing in case", "[p]\nRegion = 1\nregion = 2\n", "error"],
  ["same key in two sections", "[p]\na = 1\n[q]\na = 2\n", { p: { a: "1" }, q: { a: "2" } }],
  ["line before any section", "a = 1\n[p]\n", "error"],
  ["comment before a section is fine", "# a = 1\n[p]\n", { p: {} }],
  ["key without =", "[p]\njustakey\n", "error"],
  ["= value without a key", "[p]\n= value\n", "error"],
  [": value without a key", "[p]\n: value\n", "error"],
  ["[] is not a header", "[p]\n[]\n", "error"],
  ["CRLF", "[p]\r\na = 1\r\n  b\r\nc = 2\r\n", { p: { a: "1\nb", c: "2" } }],
  ["lone CR", "[p]\ra = 1\rb = 2\r", { p: { a: "1", b: "2" } }],
  ["mixed line ends", "[p]\ra = 1\r\nb = 2\n  x\r", { p: { a: "1", b: "2\nx" } }],
  ["BOM at file start", "\ufeff[default]\na = 1\n", "error"],
  ["BOM before a comment", "\ufeff# c\n[default]\n", "error"],
  [
    "tabs around key and value",
    "[p]\n\taws_region\t=\teu-west-1\t\n",
    { p: { aws_region: "eu-west-1" } },
  ],
  [
    "unicode keys and values",
    "[profile é]\nClé = välue ✓ ünïcödé\n",
    { "profile é": { clé: "välue ✓ ünïcödé" } },
  ],
  [
    "nested value",
    "[p]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n",
    { p: { s3: { addressing_style: "path", signature_version: "s3v4" } } },
  ],
  [
    "nested keys keep their case",
    "[p]\ns3 =\n  Addressing_Style = Path\n",
    { p: { s3: { Addressing_Style: "Path" } } },
  ],
  [
    "nested value after an empty line",
    "[p]\ns3 =\n\n  a = b\nregion = x\n",
    { p: { s3: { a: "b" }, region: "x" } },
  ],
  ["nested value with a line lacking =", "[p]\ns3 =\n  addressing_style = path\n  oops\n", "error"],
  ["nested value using : is an error", "[p]\ns3 =\n  a: b\n", "error"],
  [
    "nested duplicate keys: the last wins",
    "[p]\ns3 =\n  a = 1\n  a = 2\n",
    { p: { s3: { a: "2" } } },
  ],
  ["value that only looks nested", "[p]\ns3 = x\n  a = b\n", { p: { s3: "x\na = b" } }],
  ["[a]b] header takes the last ]", "[a]b]\nx = 1\n", { "a]b": { x: "1" } }],
  ["text after ] is ignored", "[a] trailing\nx = 1\n", { a: { x: "1" } }],
  ["spaces inside brackets are kept", "[ p ]\nx = 1\n", { " p ": { x: "1" } }],
  [
    "quoted profile header kept literally",
    '[profile "ops prod"]\nx = 1\n',
    { 'profile "ops prod"': { x: "1" } },
  ],
  ["trailing spaces everywhere", "[p]   \na = 1   \n  \n", { p: { a: "1" } }],
  ["no trailing newline", "[p]\na = 1", { p: { a: "1" } }],
  [
    "form feed inside a value, vertical tab at the end",
    "[p]\na = x\x0cy\x0b\n",
    { p: { a: "x\x0cy" } },
  ],
  ["indented first option then continuation", "[p]\n  a = 1\n    b\n", { p: { a: "1\nb" } }],
];

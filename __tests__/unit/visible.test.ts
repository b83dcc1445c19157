// visible(): what a terminal is given, with every control character but newline and tab
// written out as \xHH.
import { visible } from "../../src/util/printable.js";
import { createLogger } from "../../src/util/log.js";

describe("visible", () => {
  it.each([
    ["plain text", "profile prod", "profile prod"],
    ["newline and tab stay", "a\n\tb", "a\n\tb"],
    ["an escape sequence", "x\x1b[2Jy", "x\\x1b[2Jy"],
    ["OSC 52 (clipboard) ending in BEL", "\x1b]52;c;cHduZWQ=\x07", "\\x1b]52;c;cHduZWQ=\\x07"],
    ["a carriage return", "ok\rfake", "ok\\x0dfake"],
    ["NUL, DEL and a C1 CSI", "\0\x7f\x9b", "\\x00\\x7f\\x9b"],
    ["other Unicode stays", "é ‘q’ 😀 \u00a0", "é ‘q’ 😀 \u00a0"],
  ])("%s", (_, input, want) => {
    expect(visible(input)).toBe(want);
  });

  it("every line the logger writes, to stderr and to AWSX_LOG_FILE alike", () => {
    const lines: string[] = [];
    const log = createLogger({ debug: true, write: (l) => lines.push(l) });
    log.error('profile "e\x1b]0;t\x07" not found');
    log.debug("from \x1b[31mred\x1b[0m");
    expect(lines).toEqual([
      'awsx: profile "e\\x1b]0;t\\x07" not found\n',
      "awsx[debug]: from \\x1b[31mred\\x1b[0m\n",
    ]);
  });

  it("an error is one line: its newlines and tabs are written out too, a warning's are not", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.error('ls\nrm: command not found\t(profile "p")');
    log.warn("two\nlines");
    expect(lines).toEqual([
      'awsx: ls\\x0arm: command not found\\x09(profile "p")\n',
      "awsx: warning: two\nlines\n",
    ]);
  });
});

// Writes jest's totals to AWSX_TEST_SUMMARY (a file) so .ci/run can print its own
// closing line; skipped tests are counted apart, never as passed. scripts/test.sh runs
// jest twice (the suite, then the leak scan) and empties the file first: each run adds
// its totals to what the file already holds.
const { readFileSync, writeFileSync } = require("node:fs");

const FIELDS = ["passed", "failed", "skipped", "failedSuites", "total", "runs"];

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.AWSX_TEST_SUMMARY;
    if (!file) return;
    let before = {};
    try {
      const text = readFileSync(file, "utf8");
      if (text.trim()) before = JSON.parse(text);
    } catch {
      // missing or unreadable: start from zero
    }
    // A suite that failed to run is counted in both numbers: once here.
    const failedSuites = Math.max(
      results.numFailedTestSuites,
      results.numRuntimeErrorTestSuites || 0,
    );
    const now = {
      passed: results.numPassedTests,
      failed:
        results.numFailedTests +
        (results.numFailedTests === 0 && failedSuites > 0 ? failedSuites : 0),
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites,
      total: results.numTotalTests,
      runs: 1,
    };
    const sum = {};
    for (const k of FIELDS) sum[k] = (Number.isFinite(before[k]) ? before[k] : 0) + now[k];
    writeFileSync(file, JSON.stringify(sum));
  }
}
module.exports = SummaryReporter;

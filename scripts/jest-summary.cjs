// Writes jest's totals to AWSX_TEST_SUMMARY (a file) so .ci/run can print its own
// closing line; skipped tests are counted apart, never as passed.
const { writeFileSync } = require("node:fs");

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.AWSX_TEST_SUMMARY;
    if (!file) return;
    const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites || 0);
    writeFileSync(
      file,
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + (results.numFailedTests === 0 && failedSuites > 0 ? failedSuites : 0),
        skipped: results.numPendingTests + results.numTodoTests,
        failedSuites,
        total: results.numTotalTests,
      }),
    );
  }
}
module.exports = SummaryReporter;

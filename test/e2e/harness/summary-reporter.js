// The e2e run's closing line for CI's log reader, `N passed, N failed`. Jest's own summary and the
// cluster's shutdown lines come after the reporters, so the line is handed to globalTeardown
// (same process), which prints it last.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    globalThis.__E2E_SUMMARY__ = `${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed`;
  }
}
module.exports = SummaryReporter;

// Ends the run with one line CI can read: "N passed, N failed".
class SummaryReporter {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
  }
  onTestEnd(test, result) {
    if (result.status === "skipped") { this.skipped += 1; return; }
    // Count a test once, by its final outcome.
    if (result.retry < test.retries && result.status !== "passed") return;
    if (result.status === "passed") this.passed += 1;
    else this.failed += 1;
  }
  onEnd() {
    console.log(`${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
  printsToStdio() {
    return true;
  }
}
module.exports = SummaryReporter;

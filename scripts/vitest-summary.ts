import type { Reporter, TestModule } from 'vitest/node';

/** How long the run may stay silent before we say which files are still running. */
const HEARTBEAT_MS = 15_000;

/**
 * Prints the plain closing line CI reads: "N passed, N failed, N skipped"; and, while files run,
 * a line naming the files still running whenever nothing finished for HEARTBEAT_MS (the default
 * reporter prints a file only when it ends, so a long file would otherwise be a silent stretch).
 */
export default class SummaryReporter implements Reporter {
  private running = new Map<string, number>();
  private lastOutput = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;

  onTestRunStart() {
    this.lastOutput = Date.now();
    this.timer = setInterval(() => this.heartbeat(), 1000);
    this.timer.unref();
  }

  onTestModuleStart(m: TestModule) {
    this.running.set(m.relativeModuleId, Date.now());
  }

  onTestModuleEnd(m: TestModule) {
    this.running.delete(m.relativeModuleId);
    this.lastOutput = Date.now();
  }

  private heartbeat() {
    const now = Date.now();
    if (now - this.lastOutput < HEARTBEAT_MS || this.running.size === 0) return;
    this.lastOutput = now;
    const files = [...this.running].map(([f, t]) => `${f} (${Math.round((now - t) / 1000)} s)`);
    console.log(`  … still running: ${files.join(', ')}`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    if (this.timer) clearInterval(this.timer);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedHere++;
        else skipped++;
      }
      // A file that failed outside its tests (an import, a beforeAll) counts as a failure.
      if (m.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}

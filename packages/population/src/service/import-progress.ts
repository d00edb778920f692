/**
 * Progress of a long import where someone can see it: a bar on a terminal, otherwise (logs, CI,
 * a service) a line every N rows with the rate and the time left.
 */

export interface ProgressPoint {
  done: number;
  total: number;
  elapsedMs: number;
}

/** Rows per second so far (0 before the first millisecond). */
export function importRate(p: ProgressPoint): number {
  return p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
}

/** Seconds left at the rate so far; null while nothing is done yet. */
export function importEtaSeconds(p: ProgressPoint): number | null {
  const rate = importRate(p);
  if (rate <= 0) return null;
  return Math.max(0, Math.ceil((p.total - p.done) / rate));
}

/** The log line: `import: 20000/100000 rows (20%), 15234 rows/s, ETA 6 s`. */
export function progressLine(p: ProgressPoint): string {
  const pct = p.total > 0 ? Math.floor((p.done * 100) / p.total) : 0;
  const eta = importEtaSeconds(p);
  return `import: ${p.done}/${p.total} rows (${pct}%), ${Math.round(importRate(p))} rows/s, ETA ${eta === null ? '?' : `${eta} s`}`;
}

/** Whether a log line is due: each time `done` passes a multiple of `every`, and at the end. */
export function lineDue(previousDone: number, done: number, total: number, every: number): boolean {
  if (done <= previousDone) return false;
  if (done >= total && total > 0) return true;
  return Math.floor(done / every) > Math.floor(previousDone / every);
}

export const DEFAULT_LOG_EVERY = 10_000;

export interface ProgressReporter {
  onProgress(done: number, total: number): void;
  stop(): void;
}

/**
 * The reporter for the import's `onProgress`: a cli-progress bar when `tty`, else `write` gets a
 * line every `every` rows (and at the end).
 */
export async function importProgress(opts: { tty: boolean; every?: number; write: (line: string) => void; now?: () => number }): Promise<ProgressReporter> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const every = Math.max(1, opts.every ?? DEFAULT_LOG_EVERY);
  if (opts.tty) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      { format: 'import |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}', clearOnComplete: false, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    let started_ = false;
    return {
      onProgress(done, total) {
        const rate = Math.round(importRate({ done, total, elapsedMs: now() - started }));
        if (!started_) bar.start(Math.max(total, done), done, { rate });
        started_ = true;
        if (total > bar.getTotal()) bar.setTotal(total);
        bar.update(done, { rate });
      },
      stop: () => started_ && bar.stop(),
    };
  }
  let last = 0;
  return {
    onProgress(done, total) {
      if (!lineDue(last, done, total, every)) return;
      last = done;
      opts.write(progressLine({ done, total: Math.max(total, done), elapsedMs: now() - started }));
    },
    stop() {},
  };
}

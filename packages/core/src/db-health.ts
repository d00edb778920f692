/**
 * Whether the PostgreSQL server answers, known without waiting on the request pool. A lost
 * connection (the pool's `onclose`) triggers a probe on a connection of its own; while the probe
 * fails the database is `down`, new statements fail at once with DATABASE_UNAVAILABLE (a coded
 * 503 instead of a request queued behind a dead server), and the probe retries every
 * `everyMs` until the server is back.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor() {
    super('The database is unavailable.');
    this.name = 'DatabaseUnavailableError';
  }
}

export interface DatabaseHealth {
  readonly down: boolean;
  /** Something failed: check now (coalesced with a probe already running). */
  suspect(): void;
  close(): Promise<void>;
}

export function createDatabaseHealth(probe: () => Promise<unknown>, opts: { everyMs?: number; onChange?: (down: boolean) => void } = {}): DatabaseHealth {
  const everyMs = opts.everyMs ?? 250;
  let down = false;
  let probing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if (probing || closed) return;
    probing = true;
    let ok = false;
    try {
      await probe();
      ok = true;
    } catch {
      ok = false;
    } finally {
      probing = false;
    }
    if (closed) return;
    if (ok === down) {
      down = !ok;
      opts.onChange?.(down);
    }
    if (down) timer = setTimeout(() => void run(), everyMs);
  };
  return {
    get down() {
      return down;
    },
    suspect: () => void run(),
    async close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

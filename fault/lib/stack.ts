/**
 * Everything a fault run starts registers its stop here; `stopAll` runs them newest first, on
 * success, on failure and on SIGINT/SIGTERM of the runner, so no cluster, Redis or server outlives it.
 */
export class Stack {
  private stops: { name: string; stop: () => Promise<void> | void }[] = [];
  add(name: string, stop: () => Promise<void> | void): void {
    this.stops.push({ name, stop });
  }
  async stopAll(): Promise<void> {
    for (const s of this.stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (e) {
        console.error(`fault: stopping ${s.name} failed: ${(e as Error).message}`);
      }
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true or `timeoutMs` passes; returns the milliseconds it took, or null. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - t0;
    await sleep(everyMs);
  }
  return null;
}

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

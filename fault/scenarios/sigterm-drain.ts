import { startLoad } from '../lib/load.js';
import type { RunningServer } from '../lib/server.js';
import { sleep } from '../lib/stack.js';
import type { World } from '../lib/world.js';

/**
 * SIGTERM under keep-alive load with the default drain limit: no request that reached the
 * server may be reset; the process exits 0 once drained.
 */
export async function sigtermDrain(w: World, server: RunningServer, label = 'SIGTERM drain') {
  const client = w.client(server.url);
  const load = startLoad(client, w.loadOptions(20, 50), w.runId);
  await sleep(2000);
  const before = { reset: load.stats.reset, resetFresh: load.stats.resetFresh };
  const exit = await server.terminate();
  await load.stop();
  client.close();
  const resets = load.stats.reset - before.reset;
  const freshResets = load.stats.resetFresh - before.resetFresh;
  const r = w.report;
  console.log(`\n== ${label}`);
  r.add(label, 'requests reset by the drain (kept-alive connections)', resets, { pass: resets === 0, bound: '0' });
  r.add(label, 'new connections reset in the closing listener backlog', freshResets);
  if (resets || freshResets) console.log('    reset errors:', load.stats.resetErrors.slice(0, 5));
  r.add(label, 'exit code', `${exit.code ?? exit.signal}`, { pass: exit.code === 0, bound: '0' });
  r.add(label, 'seconds from SIGTERM to exit', exit.ms / 1000, { pass: exit.ms < 20_000, bound: '< 20 (SHUTDOWN_TIMEOUT_MS)' });
  r.add(label, 'refused after close (expected: nothing listens)', load.stats.refused);
  r.add(label, 'answers leaking driver codes/hosts', load.stats.leaks.length, { pass: load.stats.leaks.length === 0, bound: '0' });
  return { acknowledged: load.acknowledged };
}

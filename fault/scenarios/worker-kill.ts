import { readFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from '../../packages/api/src/node-flags.js';
import { startLoad } from '../lib/load.js';
import { startServer } from '../lib/server.js';
import { sleep, waitFor } from '../lib/stack.js';
import type { World } from '../lib/world.js';
import { sigtermDrain } from './sigterm-drain.js';

/**
 * `serve --workers 2` under load; `kill -9` of one worker. The primary starts a new one, requests
 * keep being answered by the other meanwhile; then SIGTERM drains the whole cluster.
 */
export async function workerKill(w: World) {
  const S = 'worker kill -9 (--workers 2)';
  const server = await startServer(w.stack, w.env, { workers: 2, name: 'workers' });
  await waitFor(async () => server.workerPids().length === 2 && (await fetch(`${server.url}/health`)).ok, 20_000);
  // The workers run with the serving flags (node-flags.ts) though the primary was started without.
  const workerArgs = server.workerPids().map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
  const flagged = workerArgs.filter((a) => SERVER_NODE_FLAGS.every((f) => a.includes(f))).length;
  const client = w.client(server.url);
  const load = startLoad(client, w.loadOptions(20, 50), w.runId);
  await sleep(2000);
  const [victim] = server.workerPids();
  const okBefore = load.stats.ok;
  process.kill(victim!, 'SIGKILL');
  const killedAt = performance.now();
  await sleep(1000);
  const okDuringFirstSecond = load.stats.ok - okBefore;
  const replacedMs = await waitFor(async () => server.workerPids().length === 2 && !server.workerPids().includes(victim!), 15_000);
  await sleep(2000);
  await load.stop();
  client.close();
  const restarts = server.logs().filter((l) => l.msg === 'worker died; starting a new one').length;
  const r = w.report;
  console.log(`\n== ${S}`);
  r.add(S, 'requests answered in the second after the kill', okDuringFirstSecond, { pass: okDuringFirstSecond > 0, bound: '> 0' });
  r.add(S, 'new worker running after, s', replacedMs === null ? 'never' : (replacedMs + 1000) / 1000, { pass: replacedMs !== null, bound: 'restarted' });
  r.add(S, 'worker restarts logged by the primary', restarts, { pass: restarts === 1, bound: '1 (the one killed)' });
  r.add(S, 'requests cut by the kill (in flight on the killed worker)', load.stats.reset + load.stats.resetFresh);
  r.add(S, `workers started with ${SERVER_NODE_FLAGS.join(' ')}`, flagged, { pass: flagged === workerArgs.length, bound: `all (${workerArgs.length})` });
  r.add(S, 'primary deaths', server.unexpectedExits.length, { pass: server.unexpectedExits.length === 0, bound: '0' });
  void killedAt;
  const drained = await sigtermDrain(w, server, 'SIGTERM drain (--workers 2)');
  return { acknowledged: [...load.acknowledged, ...drained.acknowledged] };
}

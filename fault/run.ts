/**
 * The fault suite (issue #10): a private PostgreSQL cluster and Redis, the production bundle
 * under bounded load, then the faults one after another. Prints its figures and exits 1 when a
 * bound is missed. `npm run test:fault [-- scenario …]` (names below); `.ci/run` runs it whole.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { checkWrites, query } from './lib/integrity.js';
import type { AcknowledgedWrite } from './lib/load.js';
import { startPostgres } from './lib/postgres.js';
import { startRedis } from './lib/redis.js';
import { Report } from './lib/report.js';
import { BUNDLE, cli } from './lib/server.js';
import { Stack } from './lib/stack.js';
import { makeWorld, type World } from './lib/world.js';
import { heavyAbandon } from './scenarios/heavy-abandon.js';
import { importKill } from './scenarios/import-kill.js';
import { postgresRestart } from './scenarios/postgres-restart.js';
import { redisOutage } from './scenarios/redis-outage.js';
import { sigtermDrain } from './scenarios/sigterm-drain.js';
import { workerKill } from './scenarios/worker-kill.js';
import { SUITE_PUBLIC_KEY_PEM } from './lib/keys.js';

type Scenario = (w: World) => Promise<{ acknowledged?: AcknowledgedWrite[] } | void>;

/** In order; each starts its own servers. Add a scenario here. */
const SCENARIOS: Record<string, Scenario> = {
  'pg-restart': async (w) => {
    const { server, acknowledged } = await postgresRestart(w);
    // The same server, having lived through the outage, is then drained by SIGTERM.
    const drained = await sigtermDrain(w, server);
    return { acknowledged: [...acknowledged, ...drained.acknowledged] };
  },
  'worker-kill': workerKill,
  'import-kill': importKill,
  'heavy-abandon': heavyAbandon,
  'redis-outage': redisOutage,
};

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const name of only) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  if (!existsSync(BUNDLE)) throw new Error('no production bundle: run `npm run build` first (npm run test:fault does)');
  const stack = new Stack();
  const abort = async (sig: string) => {
    console.error(`fault: ${sig}, stopping everything`);
    await stack.stopAll();
    process.exit(130);
  };
  process.once('SIGINT', () => void abort('SIGINT'));
  process.once('SIGTERM', () => void abort('SIGTERM'));
  // A stray rejection or throw in a scenario's background task must not leave a cluster, Redis or
  // servers running behind a crashed runner.
  const crash = (what: string) => (e: unknown) => {
    console.error(`fault: ${what}:`, e);
    void stack.stopAll().then(() => process.exit(1));
  };
  process.once('unhandledRejection', crash('unhandled rejection'));
  process.once('uncaughtException', crash('uncaught exception'));
  const report = new Report();
  const t0 = Date.now();
  try {
    const pg = await startPostgres(stack);
    const redis = await startRedis(stack);
    const runId = randomBytes(3).toString('hex');
    console.log(`fault suite ${runId}: PostgreSQL on :${pg.port}, Redis on :${redis.port}`);
    const env0 = {
      ...process.env,
      NODE_ENV: 'production',
      AUTH_PUBLIC_KEY: SUITE_PUBLIC_KEY_PEM,
      AUTH_PUBLIC_KEY_ALG: 'ES256',
      RATE_LIMITS: 'off',
      SAFECITY_DATA_KEY: 'fault-suite-data-key-not-a-secret',
      DATABASE_URL: pg.url,
      LOG_LEVEL: 'warn',
    };
    const seeded = cli(['seed'], env0);
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr.slice(-2000)}`);
    const [{ code: community } = { code: '' }] = await query<{ code: string }>(pg.url, `select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 1`);
    if (!community) throw new Error('the seeded city has no community in 620102');
    const world = await makeWorld({ stack, pg, redis, report, community, runId });
    const acknowledged: AcknowledgedWrite[] = [];
    for (const [name, run] of Object.entries(SCENARIOS)) {
      if (only.length && !only.includes(name)) continue;
      const s0 = Date.now();
      const out = await run(world);
      if (out?.acknowledged) acknowledged.push(...out.acknowledged);
      console.log(`  (${name}: ${((Date.now() - s0) / 1000).toFixed(1)} s)`);
    }
    console.log('\n== integrity');
    const integrity = await checkWrites(pg.url, acknowledged, `fault-${runId}-`);
    report.add('integrity', 'acknowledged writes', integrity.checked);
    report.add('integrity', 'acknowledged writes lost', integrity.lost, { pass: integrity.lost === 0, bound: '0' });
    report.add('integrity', 'half-written entities (no audit entry)', integrity.halfWritten, { pass: integrity.halfWritten === 0, bound: '0' });
    const audit = cli(['verify-audit'], env0);
    report.add('integrity', 'audit chain verifies', audit.status === 0 ? 'yes' : `no: ${audit.stdout.trim() || audit.stderr.slice(-300)}`, { pass: audit.status === 0, bound: 'verify-audit exit 0' });
  } catch (e) {
    report.add('suite', 'ran to the end', `no: ${(e as Error).stack ?? e}`, { pass: false, bound: 'yes' });
  } finally {
    await stack.stopAll();
  }
  report.print();
  console.log(`\nfault suite: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${report.failed.length ? `${report.failed.length} FAILED` : 'all bounds met'}`);
  process.exit(report.failed.length ? 1 : 0);
}

void main();

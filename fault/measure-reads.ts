/**
 * A fixed read workload against one or more builds of the API on the same private, seeded
 * PostgreSQL: `tsx fault/measure-reads.ts <bundle.mjs>…`. Each build serves in turn (single
 * process), warms up for 3 s, then `ROUNDS` rounds of `SECONDS` s at c=`C` are counted; the
 * median requests per second is printed per build. Used for the driver decision (issue #10).
 */
import { gqlClient, percentile } from './lib/load.js';
import { startPostgres } from './lib/postgres.js';
import { cli, productionEnv, startServer } from './lib/server.js';
import { sleep, Stack } from './lib/stack.js';
import { READ_QUERY } from './lib/world.js';
import { LOCAL_DEV_SECRET, mintDevToken } from '@safecity/core';

const C = Number(process.env.C ?? 10);
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

async function main() {
  const bundles = process.argv.slice(2);
  const stack = new Stack();
  try {
    const pg = await startPostgres(stack);
    const env = productionEnv(pg.url, { LOG_LEVEL: 'warn' });
    const seeded = cli(['seed'], env);
    if (seeded.status !== 0) throw new Error(seeded.stderr);
    const token = await mintDevToken(LOCAL_DEV_SECRET, { sub: 'measure', roles: ['city_admin'], jurisdiction: '620100' });
    for (let pass = 0; pass < 2; pass++) {
      for (const bundle of bundles) {
        const server = await startServer(stack, { ...env, SAFECITY_BUNDLE: bundle }, { name: 'measure', bundle });
        const client = gqlClient(server.url, token);
        const run = async (ms: number) => {
          let n = 0;
          let bad = 0;
          const lat: number[] = [];
          const end = performance.now() + ms;
          await Promise.all(
            Array.from({ length: C }, async () => {
              while (performance.now() < end) {
                const r = await client.post(READ_QUERY);
                if (r.kind === 'ok') {
                  n++;
                  lat.push(r.ms);
                } else bad++;
              }
            }),
          );
          return { rps: n / (ms / 1000), bad, p50: percentile(lat, 50) };
        };
        await run(3000);
        const rounds = [];
        for (let i = 0; i < ROUNDS; i++) rounds.push(await run(SECONDS * 1000));
        const rps = rounds.map((r) => r.rps).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
        console.log(
          `pass ${pass + 1} ${bundle}: median ${rps.toFixed(0)} rps at c=${C} (rounds ${rounds.map((r) => r.rps.toFixed(0)).join(', ')}; p50 ${rounds[0]!.p50.toFixed(1)} ms; errors ${rounds.reduce((s, r) => s + r.bad, 0)})`,
        );
        client.close();
        await server.terminate();
        await sleep(500);
      }
    }
  } finally {
    await stack.stopAll();
  }
}

void main();

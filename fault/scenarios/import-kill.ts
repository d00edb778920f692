import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '../lib/integrity.js';
import { BUNDLE, cli, ROOT } from '../lib/server.js';
import { sleep } from '../lib/stack.js';
import type { World } from '../lib/world.js';
import { residentId } from '../lib/world.js';

const ROWS = 20_000;
const BATCH = 500;

/**
 * `population:import` of a generated 20,000-row CSV killed (-9) mid-way: only whole 500-row
 * batches are in the database, each person with its registration; the rerun adds exactly the rest.
 */
export async function importKill(w: World) {
  const S = 'import kill -9 mid-way';
  const dwellings = await query<{ address: string }>(w.pg.url, `select address from dwellings where jurisdiction_code like '620102%' order by address limit 400`);
  if (!dwellings.length) throw new Error('the seeded city has no dwellings in 620102');
  const prefix = `imp-${w.runId}-`;
  const lines = ['name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn'];
  for (let i = 0; i < ROWS; i++) lines.push(`${prefix}${i},${residentId('110101', i)},,,,floating,work,2025-01-01,410102,${dwellings[i % dwellings.length]!.address},2025-02-01`);
  const dir = mkdtempSync(join(tmpdir(), 'safecity-fault-csv-'));
  const file = join(dir, 'registrations.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  w.stack.add('csv', () => rmSync(dir, { recursive: true, force: true }));

  const count = async () =>
    Number((await query<{ n: number }>(w.pg.url, `select count(*)::int as n from persons p join residence_registrations r on r.person_id = p.id where p.name like $1`, [`${prefix}%`]))[0]!.n);
  const child = spawn(process.execPath, [BUNDLE, 'population:import', file], { env: w.env, cwd: ROOT, stdio: 'ignore' });
  w.stack.add('import', () => void child.kill('SIGKILL'));
  const exited = new Promise((r) => child.once('exit', r));
  const t0 = Date.now();
  let atKill = 0;
  while (Date.now() - t0 < 60_000 && child.exitCode === null) {
    atKill = await count();
    if (atKill >= 4 * BATCH) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  await exited;
  const afterKill = await count();
  const [orphans] = await query<{ n: number }>(
    w.pg.url,
    `select count(*)::int as n from persons p where p.name like $1 and not exists (select 1 from residence_registrations r where r.person_id = p.id)`,
    [`${prefix}%`],
  );
  const rerun = cli(['population:import', file], w.env);
  const rerunErrors = rerun.stdout
    .split('\n')
    .filter((l) => l.startsWith('line '))
    .slice(0, 5);
  if (rerunErrors.length) console.log('    rerun row errors:', rerunErrors);
  if (rerun.status !== 0) console.log(`    rerun failed: ${(rerun.stderr || rerun.stdout).split('\n').slice(0, 8).join('\n    ')}`);
  const afterRerun = await count();
  const r = w.report;
  console.log(`\n== ${S}`);
  r.add(S, 'rows in the database after the kill', afterKill, { pass: afterKill % BATCH === 0 && afterKill < ROWS, bound: `whole ${BATCH}-row batches, fewer than ${ROWS}` });
  r.add(S, 'persons without their registration (half-written)', orphans!.n, { pass: orphans!.n === 0, bound: '0' });
  r.add(S, 'rerun exit status', rerun.status ?? 'killed', { pass: rerun.status === 0, bound: '0' });
  r.add(S, 'rows added by the rerun', afterRerun - afterKill, { pass: afterRerun - afterKill === ROWS - afterKill, bound: `exactly the rest (${ROWS - afterKill})` });
  r.add(S, 'rows after the rerun', afterRerun, { pass: afterRerun === ROWS, bound: String(ROWS) });
}

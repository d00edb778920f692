/**
 * CPU per M1 (`registerResidence`) request on the API server, production mode (issue #13 part 2).
 * Opt-in (`M1_CPU=1`): it is a measurement, not a regression test. The client runs in a child
 * process so the server's `process.cpuUsage` counts only the server's work; CPU time does not
 * depend on the machine's load the way throughput does. `M1_PROF=1` also writes a CPU profile
 * of the measured phase to /tmp/m1.cpuprofile.
 *   M1_CPU=1 NODE_ENV=production TEST_DATABASE_URL=postgres://… npx vitest run packages/api/tests/m1-cpu.test.ts
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from '@safecity/core';
import { createTestDatabase, rows, startTestServer, type TestServer } from '@safecity/core/testing';
import { residentIdNumber } from '@safecity/population';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modules } from '../src/modules.js';

const enabled = !!process.env.M1_CPU;
const N = Number(process.env.M1_CPU_N || 300);
const WARM = 50;
let s: TestServer;
const RECORD_PERSON = `mutation($n: ResidentIdNumber!, $c: DivisionCode!) { r: recordPerson(name: "租户", idNumber: $n, kind: floating, inflowReason: work, inflowDate: "2025-01-02", hukouPlaceCode: "622901", jurisdictionCode: $c) { __typename ... on RecordPersonSuccess { data { id } } ... on DomainError { code } } }`;
const RECORD_DWELLING = `mutation($a: String!, $c: DivisionCode!) { r: recordDwelling(address: $a, jurisdictionCode: $c, rooms: 2, capacity: 4) { __typename ... on RecordDwellingSuccess { data { id } } ... on DomainError { code } } }`;
// The benchmark's M1 document.
const REGISTER = `mutation M1($personId: ID!, $dwellingId: ID!, $registeredOn: Date!, $key: IdempotencyKey) { registerResidence(personId: $personId, dwellingId: $dwellingId, registeredOn: $registeredOn, idempotencyKey: $key) { __typename ... on RegisterResidenceSuccess { data { id registeredOn overCapacity } } ... on DomainError { code } } }`;

beforeAll(async () => {
  if (!enabled) return;
  const database = await createTestDatabase({ maxConnections: 10 });
  // Production mode as the benchmark runs A: no per-response request facts, no statement counting.
  s = await startTestServer({ modules, database, config: { production: true } });
}, 300_000);
afterAll(async () => {
  await s?.close();
  await s?.database.close();
});

it.runIf(enabled)(
  'server CPU per M1 request',
  async () => {
    const [c] = await rows<{ code: string }>(s, sql`select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 1`);
    const token = await s.token('district_officer', '620102');
    const homes: string[] = [];
    for (let i = 0; i < 40; i++) homes.push((await s.gql(RECORD_DWELLING, { a: `甘肃省兰州市庆阳路${i + 1}号`, c: c!.code }, { token })).data.r.data.id);
    const people: string[] = [];
    for (let i = 0; i < N + WARM; i++) people.push((await s.gql(RECORD_PERSON, { n: residentIdNumber('622901', '1993-01-02', i), c: c!.code }, { token })).data.r.data.id);
    const bodies = people.map((p, i) =>
      JSON.stringify({ query: REGISTER, variables: { personId: p, dwellingId: homes[i % homes.length], registeredOn: '2025-06-01', key: `k-${i}-${p.slice(0, 8)}` } }),
    );
    const file = join(tmpdir(), `m1-cpu-bodies-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ url: s.url, token, warm: bodies.slice(0, WARM), bodies: bodies.slice(WARM) }));
    const client = `const {url,token,warm,bodies}=JSON.parse(require('fs').readFileSync(${JSON.stringify(file)},'utf8'));
    const post=(b)=>fetch(url,{method:'POST',headers:{'content-type':'application/json',authorization:'Bearer '+token},body:b}).then(r=>r.json());
    (async()=>{ let bad=0; for (const b of (process.argv[1]==='warm'?warm:bodies)) { const j=await post(b); if (j.data?.registerResidence?.__typename!=='RegisterResidenceSuccess') { bad++; if (bad<3) console.error(JSON.stringify(j)); } } console.log(bad); })();`;
    const run = (phase: string) => new Promise<string>((res, rej) => execFile(process.execPath, ['-e', client, phase], (e, out, err) => (e ? rej(e) : res(out + err))));
    expect((await run('warm')).trim()).toBe('0');
    const session = new Session();
    session.connect();
    if (process.env.M1_PROF) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    const c0 = process.cpuUsage();
    const out = await run('measure');
    const du = process.cpuUsage(c0);
    if (process.env.M1_PROF) writeFileSync('/tmp/m1.cpuprofile', JSON.stringify((await session.post('Profiler.stop')).profile));
    const per = (us: number) => Math.round((us / 1000 / N) * 100) / 100;
    console.log(`m1-cpu ${JSON.stringify({ n: N, cpuMsPerRequest: per(du.user + du.system), userMs: per(du.user), sysMs: per(du.system), nodeEnv: process.env.NODE_ENV })}`);
    expect(out.trim()).toBe('0');
  },
  900_000,
);

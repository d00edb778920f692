import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addDays, parentCode, rng, systemContext, type Ctx } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { residentIdNumber } from '../src/seed.js';
import { fileDwelling, recordDwelling, recordFiveOnesCheck } from '../src/service/dwellings.js';
import { registerArrival } from '../src/service/moves.js';
import { recordPerson } from '../src/service/persons.js';
import { rateBucketKeys } from '../src/rules.js';
import { foldRateFacts, rebuildRateFacts, RATE_ANCESTORS_FUNCTION, RATE_FACT_MEASURES } from '../src/service/rate-facts.js';
import { populationRates, populationRatesFromBaseTables, recordFloatingPopulationEstimate } from '../src/service/rates.js';
import { changeResidence, deregisterResidence, registerResidence } from '../src/service/registrations.js';
import { recordRevisit } from '../src/service/revisits.js';
import { rows } from './helpers.js';

describe('rateBucketKeys', () => {
  it.each([
    ['2026', { flow: '2026', stockYearsBefore: '2026', last: '2026-12', months: 12 }],
    ['2026-Q1', { flow: '2026-Q1', stockYearsBefore: '2026', last: '2026-03', months: 3 }],
    ['2025-Q4', { flow: '2025-Q4', stockYearsBefore: '2025', last: '2025-12', months: 12 }],
    ['2024-02', { flow: '2024-02', stockYearsBefore: '2024', last: '2024-02', months: 2 }],
    ['2024-10', { flow: '2024-10', stockYearsBefore: '2024', last: '2024-10', months: 10 }],
  ])('%s', (period, want) => {
    const k = rateBucketKeys(period);
    expect(k && { flow: k.flow, stockYearsBefore: k.stockYearsBefore, last: k.stockMonths.at(-1), months: k.stockMonths.length }).toEqual(want);
    expect(k?.stockMonths[0]).toBe(`${want.stockYearsBefore}-01`);
  });
  it.each(['2026-Q5', '2026-13', '2026-00', '26', 'x', '2026-1'])('refuses %s', (period) => expect(rateBucketKeys(period)).toBeNull());
});

let s: TestServer;
let admin: Ctx;

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  admin = await s.ctxAs('city_admin');
});
afterAll(() => s?.close());

/** The admin acting on `day` (China time, mid-morning), so visits, checks and end dates are not in the future. */
const on = (day: string, seq: number): Ctx => ({ ...admin, loaders: new Map(), now: () => new Date(Date.parse(`${day}T03:00:00Z`) + seq * 1000) });

/**
 * The subtree buckets as a reader sees them: the folded rows plus the deltas not yet folded, rolled
 * up to every ancestor, without zero rows. Equal whether or not a fold ran in between.
 */
async function buckets(): Promise<string[]> {
  const sums = RATE_FACT_MEASURES.map((m) => `sum(${m})::int as ${m}`).join(', ');
  const cols = RATE_FACT_MEASURES.join(', ');
  const r = await rows<Record<string, unknown>>(
    s,
    sql.raw(`select jurisdiction_code, parent_code, period, ${sums} from (
        select jurisdiction_code, parent_code, period, ${cols} from population_rate_facts
        union all
        select a.code, a.parent_code, d.period, ${RATE_FACT_MEASURES.map((m) => `d.${m}`).join(', ')}
          from population_rate_fact_deltas d cross join lateral ${RATE_ANCESTORS_FUNCTION}(d.jurisdiction_code) a) x
       group by 1, 2, 3 having ${RATE_FACT_MEASURES.map((m) => `sum(${m}) <> 0`).join(' or ')} order by 1, 3`),
  );
  return r.map((x) => JSON.stringify(x));
}

const pendingDeltas = async () => (await rows<{ n: number }>(s, sql`select count(*)::int as n from population_rate_fact_deltas`))[0].n;

describe('the ancestors of a code (SQL) follow parentCode', () => {
  it.each([
    ['620102001002003', ['620102001002003', '620102001002', '620102001', '620102', '620100', '620000']],
    ['620102001002', ['620102001002', '620102001', '620102', '620100', '620000']],
    ['620102001', ['620102001', '620102', '620100', '620000']],
    // a sub-district directly under a city (no district level)
    ['620100001', ['620100001', '620100', '620000']],
    ['620102', ['620102', '620100', '620000']],
    ['620100', ['620100', '620000']],
    ['620000', ['620000']],
  ])('%s', async (code, want) => {
    const got = await rows<{ code: string; parent_code: string | null }>(s, sql`select code, parent_code from ${sql.raw(RATE_ANCESTORS_FUNCTION)}(${code}) order by length(code) desc, code desc`);
    expect(got.map((a) => a.code)).toEqual(want);
    for (const a of got) expect(a.parent_code, a.code).toBe(parentCode(a.code));
  });
});

describe('rate fact buckets', () => {
  const done: Record<string, number> = {};
  const PERIODS = ['2022', '2023', '2024', '2025', '2023-Q2', '2024-Q4', '2025-Q1', '2022-03', '2023-07', '2024-02', '2024-12', '2025-06', '2025-12'];
  let places: string[] = [];
  let targets: string[] = [];

  /**
   * A random sequence of every kind of write, from 2022 to the end of 2025, by persons and
   * dwellings of its own in the chosen places; with `fold`, the fold job runs between writes at
   * times, so the buckets hold some facts and the deltas the rest.
   */
  async function randomWrites(seed: number, o: { fold: boolean }) {
    const r = rng(seed);
    const people: { id: string; idNumber: string; floating: boolean }[] = [];
    const homes: { id: string; code: string; uv: boolean; filed: boolean }[] = [];
    const open = new Map<string, { regId: string; dwellingId: string; since: string }>();
    let day = '2022-01-03';
    let n = 0;
    const count = (k: string) => (done[k] = (done[k] ?? 0) + 1);
    for (let step = 0; step < 160; step++) {
      day = addDays(day, r.int(1, 9));
      if (day > '2025-12-28') break;
      const ctx = on(day, step);
      const back = (max: number) => addDays(day, -r.int(0, max));
      const roll = r.next();
      // The fold job runs between writes at times: the buckets hold some facts, the deltas the rest.
      if (o.fold && step % 23 === 11 && (await foldRateFacts(admin)) > 0) count('fold');
      try {
        if (people.length < 8 || roll < 0.12) {
          const floating = r.next() < 0.8;
          const idNumber = residentIdNumber(floating ? '510104' : '620102', addDays('1970-01-01', n++ * 5), 88 + seed);
          const p = await recordPerson(ctx, {
            name: `租户${n}`,
            idNumber,
            kind: floating ? 'floating' : 'registered',
            ...(floating ? { inflowReason: 'work' as const, inflowDate: '2021-06-01' } : {}),
            hukouPlaceCode: floating ? '510104' : '620102',
            jurisdictionCode: r.pick(targets),
          });
          people.push({ id: p.id, idNumber, floating });
          count('person');
        } else if (homes.length < 6 || roll < 0.22) {
          const uv = r.next() < 0.35;
          const filedAtListing = r.next() < 0.3;
          const listedOn = back(120);
          const filedOn = addDays(listedOn, r.int(-30, 20));
          const d = await recordDwelling(ctx, {
            address: `兰州市测试路${seed}-${homes.length + 1}号`,
            jurisdictionCode: r.pick(targets),
            rooms: 3,
            capacity: 4,
            listedOn,
            urbanVillageBuilding: uv,
            ...(filedAtListing ? { filingNumber: `LZ-${seed}-${homes.length}`, filedOn: filedOn > day ? day : filedOn } : {}),
          });
          homes.push({ id: d.id, code: d.jurisdictionCode, uv, filed: filedAtListing });
          count('dwelling');
        } else if (roll < 0.42) {
          const p = r.pick(people.filter((x) => !open.has(x.id)));
          if (!p) continue;
          const d = r.pick(homes);
          const reg = await registerResidence(ctx, { personId: p.id, dwellingId: d.id, registeredOn: back(40) });
          open.set(p.id, { regId: reg.id, dwellingId: d.id, since: reg.registeredOn });
          count('register');
        } else if (roll < 0.5) {
          const [pid, o] = r.pick([...open.entries()]) ?? [];
          if (!pid || !o) continue;
          await deregisterResidence(ctx, { registrationId: o.regId, deregisteredOn: day, reason: '离开' });
          open.delete(pid);
          count('deregister');
        } else if (roll < 0.56) {
          const [pid, o] = r.pick([...open.entries()]) ?? [];
          const to = r.pick(homes);
          if (!pid || !o || to.id === o.dwellingId) continue;
          const reg = await changeResidence(ctx, { registrationId: o.regId, toDwellingId: to.id, changedOn: day, reason: '换房' });
          open.set(pid, { regId: reg.id, dwellingId: to.id, since: day });
          count('change');
        } else if (roll < 0.6) {
          // A move to another district: the old registration ends as moved out.
          const [pid, o] = r.pick([...open.entries()]) ?? [];
          const person = people.find((x) => x.id === pid);
          const from = homes.find((h) => h.id === o?.dwellingId);
          const to = r.pick(homes.filter((h) => from && h.code.slice(0, 6) !== from.code.slice(0, 6)));
          if (!pid || !o || !person || !to) continue;
          const reg = await registerArrival(ctx, { idNumber: person.idNumber, dwellingId: to.id, arrivedOn: day });
          open.set(pid, { regId: reg.id, dwellingId: to.id, since: day });
          count('move');
        } else if (roll < 0.78) {
          const d = r.pick(homes);
          const tenants = [...open.entries()].filter(([, o]) => o.dwellingId === d.id && o.since <= day);
          const departed = tenants.filter(() => r.next() < 0.3).map(([pid]) => pid);
          await recordRevisit(ctx, { dwellingId: d.id, visitedAt: new Date(`${day}T02:00:00Z`), matched: r.next() < 0.7, departed });
          if (departed.length) count('departed');
          count('revisit');
        } else if (roll < 0.85) {
          const d = r.pick(homes.filter((h) => !h.filed));
          if (!d) continue;
          const [{ version }] = await rows<{ version: number }>(s, sql`select version from dwellings where id = ${d.id}`);
          await fileDwelling(ctx, { dwellingId: d.id, filingNumber: `LZ-F${seed}-${step}`, filedOn: back(60), version });
          d.filed = true;
          count('file');
        } else if (roll < 0.95) {
          const d = r.pick(homes.filter((h) => h.uv));
          if (!d) continue;
          const ok = r.next() < 0.55;
          await recordFiveOnesCheck(ctx, { dwellingId: d.id, manager: true, electronicLock: ok || r.next() < 0.5, registerBook: true, policeReminderSign: true, responsibilityLetter: ok });
          count('fiveOnes');
        } else {
          // No service changes a person's kind: a repair by SQL is a write path the triggers cover too.
          const p = r.pick(people);
          p.floating = !p.floating;
          await s.platform.database.db.execute(sql`update persons set kind = ${p.floating ? 'floating' : 'registered'} where id = ${p.id}`);
          count('kind');
        }
      } catch (e) {
        // Domain refusals (an end before the start, …) are part of a random sequence; anything else is a failure.
        if (!(e as { code?: string }).code) throw e;
        count(`refused ${(e as { code: string }).code}`);
      }
    }
  }

  beforeAll(async () => {
    const grids = (await rows<{ code: string }>(s, sql`select code from jurisdictions where level = 'grid' and (code like '620102%' or code like '620103%') order by code`)).map((r) => r.code);
    // A few grids of two districts, and the communities above them (facts can be attached at either level).
    const chosen = [...grids.filter((g) => g.startsWith('620102')).slice(0, 3), ...grids.filter((g) => g.startsWith('620103')).slice(0, 2)];
    expect(chosen.length).toBe(5);
    targets = [...chosen, chosen[0].slice(0, 12), chosen[3].slice(0, 12)];
    // Each answer lists its children too, so one place per level covers every bucket below it:
    // the city (its districts), both districts (their sub-districts), a sub-district (its
    // communities), a community (its grids) and a grid.
    places = [...new Set(['620100', '620102', '620103', chosen[0].slice(0, 9), chosen[3].slice(0, 9), chosen[0].slice(0, 12), chosen[3].slice(0, 12), chosen[0]])];

    await randomWrites(13, { fold: true });
    for (const period of ['2024', '2025-Q1', '2024-12']) await recordFloatingPopulationEstimate(admin, { jurisdictionCode: chosen[0].slice(0, 12), period, estimate: 7 });
  }, 240_000);

  it('made every kind of write, and folded between some', () => {
    for (const k of ['person', 'dwelling', 'register', 'deregister', 'change', 'move', 'revisit', 'departed', 'file', 'fiveOnes', 'kind', 'fold'])
      expect(done[k] ?? 0, `${k} in ${JSON.stringify(done)}`).toBeGreaterThan(1);
  });

  // With the deltas since the last fold pending, and with all of them folded. Either starts with
  // writes of its own after the last fold (another test may have folded everything before it).
  it.each([
    ['deltas pending', 14],
    ['all folded', 15],
  ] as const)('answers exactly as the base tables for years, quarters and months at every level (%s)', async (state, seed) => {
    await randomWrites(seed, { fold: false });
    if (state === 'all folded') {
      expect(await foldRateFacts(admin)).toBeGreaterThan(0);
      expect(await pendingDeltas()).toBe(0);
    } else expect(await pendingDeltas()).toBeGreaterThan(0);
    const seen = { registration: 0, consistency: 0, deregistration: 0, filing: 0, fiveOnes: 0 };
    for (const period of PERIODS) {
      for (const jurisdictionCode of places) {
        const fromBuckets = await populationRates(admin, { jurisdictionCode, period });
        const fromBase = await populationRatesFromBaseTables(admin, { jurisdictionCode, period });
        expect(fromBuckets, `${jurisdictionCode} ${period}`).toEqual(fromBase);
        for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += fromBase.total[k].numerator + fromBase.total[k].denominator;
      }
    }
    // The comparison means something only if every rate had facts to count.
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
  });

  it('rebuilds the same buckets as the triggers and folds kept, idempotently, and repairs a damaged one', async () => {
    const kept = await buckets();
    expect(kept.length).toBeGreaterThan(20);
    const first = await rebuildRateFacts(admin);
    expect(await pendingDeltas()).toBe(0);
    expect(await buckets()).toEqual(kept);
    await s.platform.database.db.execute(sql`update population_rate_facts set registered = registered + 5 where period = '2024'`);
    expect(await buckets()).not.toEqual(kept);
    const again = await rebuildRateFacts(admin);
    expect(again.buckets).toBe(first.buckets);
    expect(await buckets()).toEqual(kept);
  });

  it('keeps the buckets right through one set-based insert of many rows', async () => {
    // One INSERT … SELECT of many visits (as an import or a load writes): one statement, one upsert of its sums.
    const [d] = await rows<{ id: string; jurisdiction_code: string }>(s, sql`select id, jurisdiction_code from dwellings order by id limit 1`);
    await s.platform.database.db.execute(sql`
      insert into revisits (id, dwelling_id, jurisdiction_code, visitor_id, visited_at, visited_on, matched)
      select gen_random_uuid(), ${d.id}, ${d.jurisdiction_code}, 'bulk', '2025-06-10T02:00:00Z', date '2025-06-01' + (i % 20), i % 3 = 0 from generate_series(1, 300) i`);
    const answers = async () => {
      for (const jurisdictionCode of ['620100', d.jurisdiction_code]) {
        for (const period of ['2025', '2025-Q2', '2025-06']) {
          expect(await populationRates(admin, { jurisdictionCode, period })).toEqual(await populationRatesFromBaseTables(admin, { jurisdictionCode, period }));
        }
      }
    };
    expect(await pendingDeltas()).toBeGreaterThan(0);
    await answers();
    const kept = await buckets();
    // Incremental == folded == rebuilt.
    await foldRateFacts(admin);
    expect(await buckets()).toEqual(kept);
    await answers();
    await rebuildRateFacts(admin);
    expect(await buckets()).toEqual(kept);
  });

  it('the fold job folds what writers appended and leaves the answers as they were', async () => {
    const [d] = await rows<{ id: string; jurisdiction_code: string }>(s, sql`select id, jurisdiction_code from dwellings order by id limit 1`);
    await s.platform.database.db.execute(sql`
      insert into revisits (id, dwelling_id, jurisdiction_code, visitor_id, visited_at, visited_on, matched)
      select gen_random_uuid(), ${d.id}, ${d.jurisdiction_code}, 'job', '2025-07-10T02:00:00Z', date '2025-07-01' + (i % 20), i % 2 = 0 from generate_series(1, 40) i`);
    const before = await populationRates(admin, { jurisdictionCode: '620100', period: '2025' });
    const kept = await buckets();
    expect(await pendingDeltas()).toBeGreaterThan(0);
    const job = populationModule.jobs!.find((j) => j.name === 'population.fold-rate-facts')!;
    await job.run(systemContext(s.platform));
    expect(await pendingDeltas()).toBe(0);
    expect(await buckets()).toEqual(kept);
    expect(await populationRates(admin, { jurisdictionCode: '620100', period: '2025' })).toEqual(before);
  });
});

describe('the rates cache', () => {
  // Its own year: the other tests of this file write 2022–2025.
  const PERIOD = '2021';
  const city = { jurisdictionCode: '620100', period: PERIOD };
  let d: { id: string; jurisdiction_code: string };
  const oracle = () => populationRatesFromBaseTables(admin, city);
  const visits = (n: number, tag: string, db = s.platform.database.db) =>
    db.execute(sql`
      insert into revisits (id, dwelling_id, jurisdiction_code, visitor_id, visited_at, visited_on, matched)
      select gen_random_uuid(), ${d.id}, ${d.jurisdiction_code}, ${tag}, '2021-05-10T02:00:00Z', date '2021-05-01' + (i % 20), i % 2 = 0 from generate_series(1, ${n}) i`);

  beforeAll(async () => {
    const [grid] = await rows<{ code: string }>(s, sql`select code from jurisdictions where level = 'grid' and code like '620102%' order by code limit 1`);
    const home = await recordDwelling(on('2021-01-04', 0), { address: '兰州市缓存路1号', jurisdictionCode: grid.code, rooms: 2, capacity: 4, listedOn: '2021-01-04' });
    d = { id: home.id, jurisdiction_code: home.jurisdictionCode };
  });

  it('answers again from the cache while nothing it sums from moved, and anew after each write, fold and estimate', async () => {
    // From no pending deltas: after the fold below the subtree has none again, and only the
    // generation tells that state from this one.
    await foldRateFacts(admin);
    const first = await populationRates(admin, city);
    expect(first).toEqual(await oracle());
    // A damaged bucket that no fold or write announced is not read again: the answer is the kept one.
    await s.platform.database.db.execute(sql`update population_rate_facts set visits = visits + 1000 where jurisdiction_code = '620100' and period = ${PERIOD}`);
    try {
      expect(await populationRates(admin, city)).toEqual(first);
    } finally {
      await s.platform.database.db.execute(sql`update population_rate_facts set visits = visits - 1000 where jurisdiction_code = '620100' and period = ${PERIOD}`);
    }
    // A write: its deltas are counted in the version, so the answer is summed anew.
    await visits(30, 'cache-a');
    const afterWrite = await populationRates(admin, city);
    expect(afterWrite.total.consistency.denominator).toBe(first.total.consistency.denominator + 30);
    expect(afterWrite).toEqual(await oracle());
    // A fold moves the deltas into the buckets: a new generation, the same answer.
    expect(await foldRateFacts(admin)).toBeGreaterThan(0);
    expect(await populationRates(admin, city)).toEqual(afterWrite);
    await visits(10, 'cache-b');
    const afterFold = await populationRates(admin, city);
    expect(afterFold.total.consistency.denominator).toBe(afterWrite.total.consistency.denominator + 10);
    // An estimate of the period.
    const [community] = await rows<{ code: string }>(s, sql`select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 1`);
    await recordFloatingPopulationEstimate(admin, { jurisdictionCode: community.code, period: PERIOD, estimate: 11 });
    const afterEstimate = await populationRates(admin, city);
    expect(afterEstimate.total.registration.denominator).toBe(afterFold.total.registration.denominator + 11);
    expect(afterEstimate).toEqual(await oracle());
  });

  // Two transactions at once need a server: PGlite is one connection, one transaction at a time.
  it.skipIf(!process.env.TEST_DATABASE_URL)('counts a write that commits after a later one was already read', async () => {
    const before = await populationRates(admin, city);
    // Two writers; the first commits last. The version read between the commits counts only the
    // second; once the first commits, the count moves again and the answer holds both.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const first = new Promise<void>((r) => (inserted = r));
    const slow = s.platform.database.db.transaction(async (tx) => {
      await visits(7, 'cache-slow', tx as never);
      inserted();
      await held;
    });
    // A failed insert must fail the test, not leave it waiting for `first`.
    await Promise.race([first, slow]);
    await visits(5, 'cache-fast');
    const between = await populationRates(admin, city);
    expect(between.total.consistency.denominator).toBe(before.total.consistency.denominator + 5);
    release();
    await slow;
    const after = await populationRates(admin, city);
    expect(after.total.consistency.denominator).toBe(before.total.consistency.denominator + 12);
    expect(after).toEqual(await oracle());
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devTokenClaims } from '@safecity/core';
import { cliCommand, repoRoot, startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';

/** `token <role> --jurisdiction CODE` speaks for an officer of that jurisdiction, not for the seeded one. */
const run = promisify(execFile);
const root = repoRoot();
const cli = (...args: string[]) => run(...cliCommand(['token', ...args]), { cwd: root, env: { ...process.env, AUTH_DEV_SECRET: '' } });

describe('devTokenClaims', () => {
  it.each([
    ['district_officer', {}, 'chengguan-officer', '620102', '城关区综治干部'],
    ['district_officer', { jurisdiction: '620102' }, 'chengguan-officer', '620102', '城关区综治干部'],
    ['district_officer', { jurisdiction: '620103' }, 'district_officer@620103', '620103', undefined],
    ['grid_worker', { jurisdiction: '620103001001' }, 'grid_worker@620103001001', '620103001001', undefined],
    ['grid_worker', { jurisdiction: '620103001001', sub: 'wang.li' }, 'wang.li', '620103001001', undefined],
    ['city_admin', { sub: 'city-admin-2' }, 'city-admin-2', '620100', undefined],
  ] as const)('%s %o → sub %s', (role, opts, sub, jurisdiction, name) => {
    const c = devTokenClaims(role, opts);
    expect(c).toMatchObject({ sub, jurisdiction, roles: [role] });
    expect(c.name).toBe(name);
  });
});

describe('the token command', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ modules: [populationModule] });
  });
  afterAll(() => s?.close());

  const me = async (token: string) => (await s.gql(`{ me { id jurisdiction { code } } }`, {}, { token })).data.me;

  it('keeps the seeded subject in the role’s own jurisdiction and derives one elsewhere (or takes --sub)', async () => {
    const [seeded, same, other, named] = await Promise.all([
      cli('district_officer'),
      cli('district_officer', '--jurisdiction', '620102'),
      cli('district_officer', '--jurisdiction', '620103'),
      cli('district_officer', '--jurisdiction', '620103', '--sub', 'qilihe-officer-2'),
    ]);
    expect(await me(seeded.stdout.trim())).toEqual({ id: 'chengguan-officer', jurisdiction: { code: '620102' } });
    expect(await me(same.stdout.trim())).toEqual({ id: 'chengguan-officer', jurisdiction: { code: '620102' } });
    expect(await me(other.stdout.trim())).toEqual({ id: 'district_officer@620103', jurisdiction: { code: '620103' } });
    expect(await me(named.stdout.trim())).toEqual({ id: 'qilihe-officer-2', jurisdiction: { code: '620103' } });
  }, 60_000);

  it('audits a write made with a --jurisdiction token under its own subject, not the seeded officer’s', async () => {
    const token = (await cli('grid_worker', '--jurisdiction', '620103001001')).stdout.trim();
    const r = await s.gql(
      `mutation { r: recordDwelling(address: "甘肃省兰州市七里河区西津西路1号1单元101室", jurisdictionCode: "620103001001001", rooms: 1, capacity: 2) { __typename ... on RecordDwellingSuccess { data { id } } } }`,
      {},
      { token },
    );
    expect(r.data.r.__typename).toBe('RecordDwellingSuccess');
    const audit = await s.gql(`{ auditLog(first: 5, filter: { operation: "recordDwelling" }) { edges { node { actorId jurisdictionCode } } } }`, {}, { token: await s.token('auditor') });
    expect(audit.data.auditLog.edges.map((e: any) => e.node)).toEqual([{ actorId: 'grid_worker@620103001001', jurisdictionCode: '620103001001001' }]);
  }, 60_000);

  it('refuses a --jurisdiction that is not a division code', async () => {
    await expect(cli('grid_worker', '--jurisdiction', 'abc')).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});

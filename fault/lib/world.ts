import { mintSuiteToken } from './keys.js';
import { gqlClient, type GqlClient, type LoadOptions } from './load.js';
import type { PrivatePostgres } from './postgres.js';
import type { PrivateRedis } from './redis.js';
import type { Report } from './report.js';
import { productionEnv } from './server.js';
import type { Stack } from './stack.js';

/** What every scenario gets: the private cluster and Redis, the server environment, tokens, the report. */
export interface World {
  stack: Stack;
  pg: PrivatePostgres;
  redis: PrivateRedis | null;
  env: NodeJS.ProcessEnv;
  runId: string;
  /** A city administrator's token (ES256, signed with the suite's key). */
  token: string;
  report: Report;
  /** A community of the seeded city the writes go to. */
  community: string;
  client(baseUrl: string): GqlClient;
  /** The standard mixed load: reads at c=`readers`, one write every `writeEveryMs`. */
  loadOptions(readers?: number, writeEveryMs?: number): LoadOptions;
}

export const READ_QUERY = `{ jurisdiction(code: "620102") { code name children(first: 10) { edges { node { code name } } } } persons(first: 10) { edges { node { id name kind } } } }`;

export const RECORD_PERSON = `mutation($name: String!, $idNumber: ResidentIdNumber!, $j: DivisionCode!, $key: IdempotencyKey) {
  r: recordPerson(name: $name, idNumber: $idNumber, kind: floating, inflowReason: work, inflowDate: "2025-01-01", hukouPlaceCode: "510104", jurisdictionCode: $j, idempotencyKey: $key) {
    __typename ... on RecordPersonSuccess { data { id name } } ... on DomainError { code message }
  }
}`;

/** A valid resident identity number (GB 11643 check digit), distinct per (birth offset, seq). */
export function residentId(area: string, n: number): string {
  const d = new Date(Date.UTC(1960, 0, 1) + (n % 15000) * 86_400_000);
  const birth = d.toISOString().slice(0, 10).replace(/-/g, '');
  const body = `${area}${birth}${String(Math.floor(n / 15000) % 1000).padStart(3, '0')}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * W[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

export async function makeWorld(o: { stack: Stack; pg: PrivatePostgres; redis: PrivateRedis | null; report: Report; community: string; runId: string }): Promise<World> {
  const env = productionEnv(o.pg.url, o.redis ? { REDIS_URL: o.redis.url } : {});
  const token = await mintSuiteToken({ sub: 'fault-suite-admin', roles: ['city_admin'], jurisdiction: '620100', name: 'fault suite' });
  let writeSeq = 0;
  const area = '110102';
  return {
    ...o,
    env,
    token,
    client: (baseUrl) => gqlClient(baseUrl, token),
    loadOptions: (readers = 20, writeEveryMs = 50) => ({
      readers,
      writeEveryMs,
      readQuery: READ_QUERY,
      write: () => {
        // Distinct across scenarios of one run: the sequence lives in the world.
        const i = writeSeq++;
        const name = `fault-${o.runId}-${i}`;
        return {
          query: RECORD_PERSON,
          variables: { name, idNumber: residentId(area, 7919 * i + 17), j: o.community, key: `${o.runId}-${i}` },
          name,
          idOf: (body: any) => (body?.data?.r?.__typename === 'RecordPersonSuccess' ? body.data.r.data.id : null),
        };
      },
    }),
  };
}

import { parse, Kind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAll } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { EXAMPLE_OPERATIONS } from '../src/examples.js';
import { modules } from '../src/modules.js';

/** The operations GraphiQL offers a new user run cleanly on the seeded demo city, and the seed is idempotent. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ modules });
  await seedAll(s.platform, modules);
  await seedAll(s.platform, modules);
});
afterAll(() => s?.close());

const names = parse(EXAMPLE_OPERATIONS)
  .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  .map((d) => (d as { name?: { value: string } }).name!.value);

describe('GraphiQL example operations', () => {
  it.each(names)('%s answers without errors and with data', async (operationName) => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await s.token('city_admin')}` },
      body: JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName }),
    });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const first = Object.values(body.data ?? {})[0];
    if (first?.edges) expect(first.edges.length).toBeGreaterThan(0);
    else expect(first).toEqual(expect.any(Object));
  });
});

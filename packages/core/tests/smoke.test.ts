import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@safecity/core/testing';

describe('test server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ modules: [] });
  });
  afterAll(() => s?.close());

  it('serves the seeded jurisdiction tree to a district officer', async () => {
    const r = await s.gql(`{ jurisdiction(code: "620102") { name level } }`, {}, { token: await s.token('district_officer') });
    expect(r.errors).toBeUndefined();
    expect(r.data.jurisdiction).toEqual({ name: '城关区', level: 'district' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { initTracing, type TracingHandle } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle | null;
let s: TestServer;
beforeAll(async () => {
  tracing = await initTracing({ exporter });
  s = await startTestServer({ modules: [] });
});
afterAll(async () => {
  await s?.close();
  await tracing?.shutdown();
});

const parentOf = (span: ReadableSpan, all: ReadableSpan[]) => all.find((p) => p.spanContext().spanId === span.parentSpanContext?.spanId);
function ancestry(span: ReadableSpan, all: ReadableSpan[]): string[] {
  const names = [];
  for (let p = parentOf(span, all); p; p = parentOf(p, all)) names.push(p.name);
  return names;
}

describe('tracing one request from HTTP to SQL', () => {
  it('has the HTTP, operation, root field and SQL spans in one trace, with ids and no personal data', async () => {
    expect(tracing).not.toBeNull();
    exporter.reset();
    const token = await s.token('district_officer');
    const r = await s.gql(`query Tree { jurisdiction(code: "620102") { name children(first: 3) { edges { node { code name } } } } }`, {}, { token, headers: { 'x-request-id': 'trace-test-1' } });
    expect(r.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const http = spans.find((x) => x.name === 'POST /graphql')!;
    expect(http).toBeDefined();
    expect(http.attributes['http.response.status_code']).toBe(200);
    const traceId = http.spanContext().traceId;
    const mine = spans.filter((x) => x.spanContext().traceId === traceId);
    const op = mine.find((x) => x.name === 'graphql.operation')!;
    expect(op.attributes).toMatchObject({ 'safecity.request_id': 'trace-test-1', 'graphql.operation.name': 'Tree', 'graphql.operation.type': 'query', 'enduser.id': 'chengguan-officer' });
    const field = mine.find((x) => x.name === 'resolve Query.jurisdiction')!;
    expect(ancestry(field, mine)).toEqual(expect.arrayContaining(['graphql.execute Tree', 'graphql.operation', 'POST /graphql']));
    const sqls = mine.filter((x) => x.name.startsWith('sql '));
    expect(sqls.length).toBeGreaterThan(0);
    for (const q of sqls) {
      expect(ancestry(q, mine)).toContain('POST /graphql');
      expect(String(q.attributes['db.query.text'])).toMatch(/\bselect\b/i);
      // Values travel as parameters: the code asked for is not in any statement text.
      expect(String(q.attributes['db.query.text'])).not.toContain('620102');
    }
    expect(sqls.some((q) => ancestry(q, mine).includes('resolve Query.jurisdiction'))).toBe(true);
    // No span carries a token or a variable value.
    expect(JSON.stringify(mine.map((x) => x.attributes))).not.toContain(token.slice(-20));
  });
});

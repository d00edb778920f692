import { GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString, GraphQLUnionType } from 'graphql';
import { createPubSub, createYoga, Repeater } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useCompiledExecution } from '../src/compiled-execution.js';

// A failure recognised by its type (as DomainError is): its isTypeOf records what context it saw.
class Failure {
  constructor(readonly code: string) {}
}
const seen: unknown[] = [];
const FailureType = new GraphQLObjectType({
  name: 'Failure',
  isTypeOf: (v, context) => v instanceof Failure && (seen.push(context), true),
  fields: { code: { type: GraphQLString } },
});
const Success = new GraphQLObjectType({ name: 'Success', isTypeOf: (v) => !(v instanceof Failure), fields: { data: { type: GraphQLString } } });
const Payload = new GraphQLUnionType({ name: 'Payload', types: [Success, FailureType], resolveType: (v) => (v instanceof Failure ? 'Failure' : 'Success') });
const Code = new GraphQLScalarType({
  name: 'Code',
  parseValue: (v) => {
    if (typeof v !== 'string' || !/^\d{6}$/.test(v)) throw new Error(`Not a code: ${JSON.stringify(v)}.`);
    return v;
  },
});
const pubsub = createPubSub<{ tick: [string] }>();
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      attempt: { type: Payload, args: { fail: { type: GraphQLString } }, resolve: (_r, a) => (a.fail ? new Failure(a.fail) : { data: 'ok' }) },
      who: { type: GraphQLString, resolve: (_r, _a, ctx) => ctx.who },
      echo: { type: GraphQLString, args: { code: { type: new GraphQLNonNull(Code) } }, resolve: (_r, a) => a.code },
    },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: { tick: { type: GraphQLString, subscribe: () => Repeater.merge([pubsub.subscribe('tick')]), resolve: (v) => v } },
  }),
});

function app(jit = true) {
  const compiled: [string | null, boolean][] = [];
  const plugins = jit ? [useCompiledExecution({ onCompile: (n, ok) => compiled.push([n, ok]) })] : [];
  const yoga = createYoga({ schema, context: () => ({ who: 'caller' }), plugins, logging: false, maskedErrors: false });
  const send = (query: string, operationName?: string, variables?: Record<string, unknown>) =>
    yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName, variables }) });
  const post = async (query: string, operationName?: string, variables?: Record<string, unknown>) => (await send(query, operationName, variables)).json();
  return { yoga, send, post, compiled };
}

describe('useCompiledExecution: queries run compiled, once per document and operation', () => {
  it('answers as graphql-js does, compiling a document once however often it runs', async () => {
    const { post, compiled } = app();
    const q = 'query A { who attempt { ... on Success { data } } }';
    for (let i = 0; i < 3; i++) expect(await post(q)).toEqual({ data: { who: 'caller', attempt: { data: 'ok' } } });
    expect(compiled).toEqual([[null, true]]);
    const two = 'query A { who } query B { attempt(fail: "X") { ... on Failure { code } } }';
    expect(await post(two, 'B')).toEqual({ data: { attempt: { code: 'X' } } });
    expect(await post(two, 'A')).toEqual({ data: { who: 'caller' } });
    expect(compiled).toEqual([
      [null, true],
      ['B', true],
      ['A', true],
    ]);
  });

  it("an object type's isTypeOf gets the request's context (graphql-jit passed none: patches/graphql-jit@0.8.9.patch)", async () => {
    const { post } = app();
    seen.length = 0;
    await post('{ attempt(fail: "E") { __typename } }');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ who: 'caller' });
  });

  it('variables that do not coerce get the answer graphql-js gives (status, message, location)', async () => {
    const q = 'query($c: Code!) { echo(code: $c) }';
    const answer = async (jit: boolean, c: unknown) => {
      const r = await app(jit).send(q, undefined, { c });
      return { status: r.status, body: await r.json() };
    };
    for (const bad of ['62010', 7]) {
      const plain = await answer(false, bad);
      expect(plain.body.errors[0].message).toContain('Not a code');
      expect(await answer(true, bad)).toEqual(plain);
    }
    expect(await answer(true, '620102')).toEqual({ status: 200, body: { data: { echo: '620102' } } });
  });

  it('leaves subscriptions to graphql-js', async () => {
    const { yoga, compiled } = app();
    const res = await yoga.fetch('http://x/graphql?query=subscription%20S%20%7B%20tick%20%7D', { headers: { accept: 'text/event-stream' } });
    const reader = res.body!.getReader();
    setTimeout(() => pubsub.publish('tick', 'one'), 50);
    let text = '';
    while (!text.includes('one')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('"tick":"one"');
    expect(compiled).toEqual([]);
  });
});

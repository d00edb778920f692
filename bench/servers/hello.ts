// D: the pure GraphQL overhead: GraphQL Yoga answering `{ hello }` with no database.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: false,
  // As A runs it (packages/core/src/app.ts): the body's size is limited by its Content-Length, not
  // by Yoga piping every body through a counting stream, whose pipeline cost D 0.19-0.21 ms of
  // CPU a request against 0.07-0.08 without (2026-11-29, Node 24, the server alone on a core).
  // With it, D measured Yoga's body limit, not the floor every GraphQL server stands on.
  maxRequestBodySize: false,
});
createServer(yoga).listen(Number(process.env.PORT ?? 4004), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

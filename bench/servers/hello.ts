// D: the pure GraphQL overhead: GraphQL Yoga answering `{ hello }` with no database.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: false,
});
createServer(yoga).listen(Number(process.env.PORT ?? 4004), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

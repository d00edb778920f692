// C: the raw-SQL floor. node:http + postgres.js, one hand-written SQL statement per request
// that returns the JSON our API answers. No GraphQL, no auth, no validation: a lower bound.
import { createServer } from 'node:http';
import postgres from 'postgres';
import { operations } from '../ops.js';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const handlers = new Map(operations.filter((o) => o.raw).map((o) => [o.id, o.raw!]));

createServer((req, res) => {
  if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  const id = /^\/op\/(\w+)$/.exec(req.url ?? '')?.[1];
  const handler = id ? handlers.get(id) : undefined;
  if (!handler || req.method !== 'POST') return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const vars = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const data = await handler(sql, vars);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String((e as Error).message) }] }));
    }
  });
}).listen(Number(process.env.PORT ?? 4003), '127.0.0.1');
process.on('SIGTERM', () => void sql.end({ timeout: 2 }).then(() => process.exit(0)));

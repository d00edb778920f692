import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runNodeOpen } from '../lib/load.js';

describe('the load generator and keep-alive', () => {
  it("closes an idle connection before the server's announced keep-alive timeout instead of reusing it as the server closes it", async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
    // Announced as `Keep-Alive: timeout=3`: the generator keeps an idle connection at most 2 s.
    server.keepAliveTimeout = 3000;
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      // Two arrivals 2.5 s apart on one connection: past the generator's 2 s, before the server's 3 s.
      const r = await runNodeOpen({ url, headers: {}, bodies: ['{}'] }, 0.4, 5, 1);
      expect(r.requests).toBe(2);
      expect(r.errors).toBe(0);
      expect(connections).toBe(2);
    } finally {
      server.close();
    }
  }, 15_000);
});

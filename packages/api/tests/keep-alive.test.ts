import { connect } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, createApp, loadConfig } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';

/**
 * The API server keeps an idle kept-alive connection open for HTTP_KEEP_ALIVE_TIMEOUT_MS (default
 * 65 s, above a load balancer's usual 60 s): with Node's 5 s default the server closed connections
 * a client pool was reusing at that instant, and the client met ECONNRESET (seen in the city benchmark).
 */
async function idleCloseAfter(server: Server, waitMs: number): Promise<number | null> {
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  const answered = new Promise<number>((resolve) => socket.once('data', () => resolve(Date.now())));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.write('GET /health HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n');
  const at = await answered;
  const first = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), waitMs))]);
  socket.destroy();
  return first === null ? null : first - at;
}

describe('kept-alive connections', () => {
  it('stay open 65 s by default (HTTP_KEEP_ALIVE_TIMEOUT_MS)', () => {
    expect(loadConfig({} as NodeJS.ProcessEnv).keepAliveTimeoutMs).toBe(65_000);
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '90000' } as NodeJS.ProcessEnv).keepAliveTimeoutMs).toBe(90_000);
  });

  let s: TestServer;
  const servers: Server[] = [];
  beforeAll(async () => {
    s = await startTestServer({ modules });
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await s?.close();
  });
  const listening = async (keepAliveTimeoutMs: number) => {
    const platform = { ...s.platform, config: { ...s.platform.config, keepAliveTimeoutMs } };
    const server = await createApp({ platform, schema: buildSchema(modules) }).listen(0, '127.0.0.1');
    servers.push(server);
    return server;
  };

  it('are closed by the server only after the configured idle time', async () => {
    // Past Node's 5 s default would make a slow test; the wiring is what is checked, with short times.
    expect(await idleCloseAfter(await listening(3000), 1500)).toBeNull();
    const closedAfter = await idleCloseAfter(await listening(300), 3000);
    expect(closedAfter).not.toBeNull();
    expect(closedAfter!).toBeGreaterThanOrEqual(250);
  });
});

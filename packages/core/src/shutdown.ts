import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Logger } from 'pino';

/** SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight requests (default 20 s, above the request budget). */
export function shutdownTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.SHUTDOWN_TIMEOUT_MS || 20_000);
}

export interface Drain {
  /** Stops accepting and drains; resolves when the last in-flight response finished or the limit passed. */
  stop(reason: string): Promise<{ drained: boolean; cutOff: number }>;
  readonly stopping: boolean;
}

/**
 * Keeps track of the server's in-flight responses so a shutdown can drain them: once stopping,
 * every response says `Connection: close` (a keep-alive client moves on instead of sending the
 * next request here), idle keep-alive connections close at once, event streams end (clients
 * reconnect elsewhere), and the rest may finish within the limit.
 */
export function trackDrain(server: Server, log: Logger, limitMs = shutdownTimeoutMs()): Drain {
  const inFlight = new Set<ServerResponse>();
  /** Per connection: requests being answered, and when the last answer finished. */
  const conns = new Map<Socket, { busy: number; lastDone: number }>();
  let stopping = false;
  const markClosing = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    else if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
  };
  server.on('connection', (socket: Socket) => {
    conns.set(socket, { busy: 0, lastDone: performance.now() });
    socket.once('close', () => conns.delete(socket));
  });
  // Registered first so it runs before the app's handler writes anything.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    const c = conns.get(req.socket);
    if (c) c.busy++;
    res.once('close', () => {
      inFlight.delete(res);
      if (c) {
        c.busy--;
        c.lastDone = performance.now();
      }
    });
    if (stopping) markClosing(res);
  });
  /**
   * Closes keep-alive connections that are idle. One that answered a moment ago may have its
   * client's next request on the wire: closing it now would reset that request, so it gets
   * IDLE_GRACE_MS to send it (answered with Connection: close) before it is closed.
   */
  const closeIdle = () => {
    const now = performance.now();
    for (const [socket, c] of conns) if (c.busy === 0 && now - c.lastDone >= IDLE_GRACE_MS) socket.destroy();
  };
  return {
    get stopping() {
      return stopping;
    },
    async stop(reason) {
      stopping = true;
      log.info({ reason, inFlight: inFlight.size, limitMs }, 'draining: no new connections; in-flight requests finish with Connection: close');
      // net.Server#close: stop accepting. (http.Server#close would also destroy every idle
      // connection at once, resetting requests already on their way.)
      const closed = new Promise<void>((r) => NetServer.prototype.close.call(server, () => r()));
      for (const res of inFlight) markClosing(res);
      closeIdle();
      const sweep = setInterval(closeIdle, 25);
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'limit'>((r) => (timer = setTimeout(() => r('limit'), limitMs)));
      const outcome = await Promise.race([closed.then(() => 'drained' as const), limit]);
      clearInterval(sweep);
      clearTimeout(timer);
      let cutOff = 0;
      if (outcome === 'limit') {
        cutOff = inFlight.size;
        log.warn({ cutOff, limitMs }, 'drain limit reached; closing the remaining connections');
        for (const socket of conns.keys()) socket.destroy();
        await closed;
      }
      return { drained: outcome === 'drained', cutOff };
    },
  };
}

/** How long a just-used keep-alive connection may still bring a request once draining started. */
const IDLE_GRACE_MS = 300;

/**
 * On SIGTERM or SIGINT: drain (see trackDrain), then close the rest (database, Redis) and exit.
 * A second signal during the drain is ignored; the limit bounds the wait.
 */
export function shutdownGracefully(server: Server, closeRest: () => Promise<void>, log: Logger, timeoutMs = shutdownTimeoutMs()) {
  const drain = trackDrain(server, log, timeoutMs);
  const stop = async (signal: string) => {
    if (drain.stopping) return;
    const { drained, cutOff } = await drain.stop(signal);
    try {
      await closeRest();
    } catch (err) {
      log.error({ err }, 'closing resources failed during shutdown');
    }
    log.info({ drained, cutOff }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return drain;
}

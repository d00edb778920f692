import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Platform } from './context.js';
import { statementCounter } from './db.js';
import type { Operability } from './ops/operability.js';
import { runReadiness } from './readiness.js';
import { checkBodySize, setSecurityHeaders } from './security.js';

/** The HTTP server: security headers and body size first, then health, readiness, ops routes, GraphQL. */

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createHttpHandler(platform: Platform, operability: Operability, graphql: HttpHandler): HttpHandler {
  const { config, log } = platform;
  return (req, res) => {
    const url = req.url ?? '/';
    setSecurityHeaders(res);
    if (!checkBodySize(req, res, config.security.maxBodyBytes)) return;
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/readiness') {
      void runReadiness(platform, platform.readinessChecks).then(
        (a) => res.writeHead(a.httpStatus, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(a.body)),
        (err) => {
          log.error({ err }, 'readiness failed');
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable","checks":{}}');
        },
      );
      return;
    }
    if (operability.handleRoute(req, res)) return;
    // Counting statements needs an AsyncLocalStorage around the request, whose promise hooks cost
    // every request CPU on Node 20: in production only for the access log and metrics (METRICS_SQL_STATEMENTS=0 turns it off).
    if (config.production && !operability.countStatements) graphql(req, res);
    else statementCounter.run({ count: 0 }, () => graphql(req, res));
  };
}

export function listen(handle: HttpHandler, port: number, host: string, keepAliveTimeoutMs = 65_000): Promise<Server> {
  const server = createServer(handle);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Node requires the headers timeout above the keep-alive one, or a reused socket can be cut mid-request.
  server.headersTimeout = Math.max(server.headersTimeout, keepAliveTimeoutMs + 1000);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

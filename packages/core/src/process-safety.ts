import type { Logger } from 'pino';

let installed = false;

/**
 * The last line of defence. A stray rejected promise is a bug to fix, not a reason to drop every
 * request in flight: it is logged with its context and the process carries on. An uncaught
 * exception leaves state unknown: it is logged and the process exits non-zero so the supervisor
 * (serve --workers, systemd, Kubernetes) starts a clean one.
 */
export function installSafetyNet(log: Logger, context: Record<string, unknown> = {}): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason, ...context, pid: process.pid }, 'unhandled promise rejection (process continues)');
  });
  process.on('uncaughtException', (err, origin) => {
    log.fatal({ err, origin, ...context, pid: process.pid }, 'uncaught exception: exiting for a clean restart');
    // Let the log line reach stdout before exiting.
    setTimeout(() => process.exit(70), 100).unref();
  });
}

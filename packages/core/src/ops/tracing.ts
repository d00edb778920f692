import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { statementCounter } from '../db.js';

/**
 * OpenTelemetry tracing: a span per HTTP request, per GraphQL operation, per root field and
 * per dataloader batch (where resolvers do I/O), and per SQL statement. Attributes are ids,
 * names, roles and statement texts (parameterised: values never appear), no personal data.
 * Off unless a tracer provider is installed: `initTracing` (OTLP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; tests pass an in-memory exporter).
 */
let enabled = false;
let ownTracer: Tracer | null = null;
/** Our provider's tracer: the global one may already belong to someone else (a test runner). */
export const tracer = (): Tracer => ownTracer ?? trace.getTracer('safecity');
export const tracingEnabled = () => enabled;

export interface TracingHandle {
  shutdown(): Promise<void>;
}

/** Installs the global tracer provider. `exporter` (tests) or OTLP over HTTP from the environment. */
export async function initTracing(opts: { exporter?: unknown; env?: NodeJS.ProcessEnv; serviceName?: string } = {}): Promise<TracingHandle | null> {
  const env = opts.env ?? process.env;
  if (!opts.exporter && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  const { TracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  type Exporter = ConstructorParameters<typeof SimpleSpanProcessor>[0]['exporter'];
  let processor: InstanceType<typeof SimpleSpanProcessor> | InstanceType<typeof BatchSpanProcessor>;
  if (opts.exporter) processor = new SimpleSpanProcessor({ exporter: opts.exporter as Exporter });
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS itself.
    processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter() as unknown as Exporter });
  }
  const provider = new TracerProvider({ spanProcessors: [processor] });
  // Best effort: when a context manager or provider is registered already, it stays (and ours
  // is still used for our spans); parents propagate through whichever manager is active.
  const manager = new AsyncLocalStorageContextManager().enable();
  const ownManager = context.setGlobalContextManager(manager);
  if (!ownManager) manager.disable();
  const ownGlobal = trace.setGlobalTracerProvider(provider);
  ownTracer = provider.getTracer('safecity');
  enabled = true;
  await instrumentSql();
  return {
    async shutdown() {
      enabled = false;
      ownTracer = null;
      await provider.shutdown();
      if (ownGlobal) trace.disable();
      if (ownManager) context.disable();
    },
  };
}

/** Runs `fn` inside a span (ended when its promise settles; errors mark it and are rethrown). */
export function inSpan<T>(name: string, attributes: Record<string, string | number | boolean | undefined>, fn: (span: Span | null) => T, kind = SpanKind.INTERNAL): T {
  if (!enabled) return fn(null);
  return tracer().startActiveSpan(name, { kind, attributes: clean(attributes) }, (span) => {
    const fail = (e: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
      span.end();
      throw e;
    };
    try {
      const r = fn(span);
      if (r && typeof (r as { then?: unknown }).then === 'function') {
        return (r as unknown as Promise<unknown>).then((v) => {
          span.end();
          return v;
        }, fail) as T;
      }
      span.end();
      return r;
    } catch (e) {
      return fail(e);
    }
  });
}

function clean(a: Record<string, string | number | boolean | undefined>) {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
}

let inFlight = 0;
/** Statements sent and not yet answered, in this process (connections busy, roughly: the drivers expose no pool counters). */
export const sqlStatementsInFlight = () => inFlight;

let sqlInstrumented: Promise<void> | null = null;
/**
 * Times every statement drizzle executes (both drivers): the request's SQL time for the access
 * log and metrics, and a span per statement when tracing is on. drizzle's own tracing hook is
 * inert in 0.45 (its `otel` handle is never set), so the prepared-query classes are wrapped here,
 * once, the way OpenTelemetry instrumentations wrap drivers.
 */
export function instrumentSql(): Promise<void> {
  sqlInstrumented ??= (async () => {
    const mods = await Promise.allSettled([import('drizzle-orm/pglite/session'), import('drizzle-orm/postgres-js/session')]);
    const classes = mods.flatMap((m) => (m.status === 'fulfilled' ? [(m.value as Record<string, unknown>).PglitePreparedQuery ?? (m.value as Record<string, unknown>).PostgresJsPreparedQuery] : []));
    for (const C of classes as { prototype: { execute: (...a: unknown[]) => Promise<unknown>; queryString?: string } }[]) {
      const original = C.prototype.execute;
      if ((original as { safecityTimed?: boolean }).safecityTimed) continue;
      const timed = function (this: { queryString?: string }, ...args: unknown[]) {
        const store = statementCounter.getStore() as { sqlMs?: number } | undefined;
        const t0 = performance.now();
        inFlight++;
        const done = () => {
          inFlight--;
          if (store) store.sqlMs = (store.sqlMs ?? 0) + (performance.now() - t0);
        };
        const run = () => original.apply(this, args).finally(done);
        if (!enabled) return run();
        const text = this.queryString ?? '';
        return inSpan(
          `sql ${text.slice(0, text.indexOf(' ') > 0 ? text.indexOf(' ') : 6).toLowerCase()}`,
          { 'db.system.name': 'postgresql', 'db.query.text': text.slice(0, 2000) },
          run,
          SpanKind.CLIENT,
        );
      };
      (timed as { safecityTimed?: boolean }).safecityTimed = true;
      C.prototype.execute = timed;
    }
  })();
  return sqlInstrumented;
}

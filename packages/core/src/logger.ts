import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPersonal, maskPhone, maskResidentId } from './masking.js';

/**
 * The one logger of the process. Redaction lives here, not at call sites, so no call site can
 * forget it: error objects lose the SQL text, its parameters and the driver's detail; personal
 * keys are masked with the one masking policy (`maskPersonal`, masking.ts); free text (messages, error
 * messages) loses anything after "Failed query:" and any identity or mobile number in it.
 */

/** Properties of database errors that carry SQL, parameter values or row contents. */
const SQL_KEYS = new Set([
  'query',
  'params',
  'parameters',
  'sql',
  'detail',
  'where',
  'hint',
  'internalQuery',
  'internal_query',
  'internalPosition',
  'position',
  'file',
  'line',
  'routine',
  'args',
  'values',
  'input',
  'variables',
]);
/** Keys whose values name a person: kept as their first character. */
const NAME_KEYS = /^(name|fullName|personName|landlordName|tenantName|contactName)$/i;
const RESIDENT_ID_IN_TEXT = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const PHONE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** A name kept as its first character: 张** (enough to tell log lines apart, not to identify). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** Free text safe to log: no SQL after "Failed query:", no identity or mobile numbers. */
export function scrubLogText(text: string): string {
  let t = text;
  const i = t.search(/Failed query:/i);
  if (i >= 0) t = `${t.slice(0, i)}Failed query: [SQL and parameters withheld]`;
  return t.replace(RESIDENT_ID_IN_TEXT, (m) => maskResidentId(m)).replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/** An error as a loggable object: type, code, scrubbed message and stack, and its cause; never SQL or parameters. */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return typeof err === 'string' ? scrubLogText(err) : err;
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: e.constructor?.name ?? 'Error', message: scrubLogText(String(e.message ?? '')) };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.severity === 'string') out.severity = e.severity;
  if (typeof e.stack === 'string') out.stack = scrubLogText(e.stack);
  for (const [k, v] of Object.entries(e)) {
    if (k in out || k === 'cause' || k === 'originalError' || SQL_KEYS.has(k)) continue;
    // Only flat facts and the GraphQL path/extensions: AST nodes, sources and sockets are no log material.
    if (v && typeof v === 'object' && k !== 'path' && k !== 'extensions') continue;
    // Driver detail beyond the code (table, column, constraint names) stays out of logs as well.
    if (['schema_name', 'table_name', 'column_name', 'constraint_name', 'data_type_name', 'schema', 'table', 'column', 'constraint', 'dataType'].includes(k)) continue;
    out[k] = redactValue(k, v, depth + 1);
  }
  const cause = e.cause ?? e.originalError;
  if (cause && depth < 4) out.cause = serializeError(cause, depth + 1);
  return out;
}

/** Deep copy of a log value with SQL keys dropped, personal keys masked and text scrubbed. */
export function redactValue(key: string, value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (value instanceof Error) return serializeError(value, depth);
  if (typeof value === 'string') {
    if (NAME_KEYS.test(key)) return maskName(value);
    const masked = maskPersonal({ [key]: value }) as Record<string, unknown>;
    return typeof masked[key] === 'string' ? scrubLogText(masked[key] as string) : masked[key];
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(key, v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).slice(0, 50)) {
      if (SQL_KEYS.has(k) || k === 'idNumberHash' || k === 'idNumberCipher') continue;
      out[k] = redactValue(k, v, depth + 1);
    }
    return out;
  }
  return value;
}

export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'safecity-api' },
    // formatters.log has already turned errors into plain objects; keep pino's own serializer off them.
    serializers: { err: (e: unknown) => (e instanceof Error ? serializeError(e) : e), error: (e: unknown) => (e instanceof Error ? serializeError(e) : e) },
    formatters: {
      log: (object) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(object)) {
          if (SQL_KEYS.has(k)) continue;
          out[k] = redactValue(k, v);
        }
        return out;
      },
    },
    hooks: {
      // Messages built from strings (the Yoga adapter stringifies errors) are scrubbed too.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubLogText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/**
 * A logger made on its first use. A request's logger (a pino child, which serializes its bindings
 * when made) is rarely used, but a getter on the context did not keep it lazy: envelop extends the
 * context by spreading it, and so does every transaction's context (runMutation), and a spread
 * reads every getter. Spreading this object copies a reference and makes nothing.
 */
export function lazyLogger(make: () => Logger): Logger {
  let real: Logger | null = null;
  const target = () => (real ??= make());
  return new Proxy({} as Logger, {
    get(_t, key) {
      const value = Reflect.get(target(), key);
      return typeof value === 'function' ? value.bind(real) : value;
    },
    set(_t, key, value) {
      return Reflect.set(target(), key, value);
    },
    has(_t, key) {
      return Reflect.has(target(), key);
    },
  });
}

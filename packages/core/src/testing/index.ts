import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { buildSchema, createApp, createPlatform, systemContext, type App } from '../app.js';
import { mintDevToken, SEEDED_USERS, type Role, type TokenClaims } from '../auth.js';
import { loadConfig, type Config } from '../config.js';
import type { Ctx, Platform } from '../context.js';
import { countStatements, createDatabase, type Database } from '../db.js';
import { migrate } from '../migrate.js';
import { seedAll } from '../seed.js';
import type { ModuleDescriptor } from '../module.js';

declare module 'vitest' {
  interface ProvidedContext {
    safecity: {
      pgliteSnapshot: string | null;
      /** The same, with the whole demo city seeded (every module): `{ seeded: true }`. */
      pgliteSeededSnapshot: string | null;
      templateDatabase: string | null;
      seededTemplateDatabase: string | null;
      adminUrl: string | null;
      cliBundle: string | null;
    };
  }
}

export function repoRoot(from = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('not inside the SafeCity workspace');
    dir = up;
  }
  return dir;
}

export const migrationsFolder = () => process.env.SAFECITY_MIGRATIONS ?? join(repoRoot(), 'packages/api/migrations');

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A worker runs file after file (`isolate: false`): each snapshot is read from disk once per
 * worker (a Blob is immutable), and every file's database still loads its own copy of it.
 */
const snapshotBlobs = new Map<string, Blob>();
function snapshotBlob(file: string): Blob {
  let blob = snapshotBlobs.get(file);
  if (!blob) snapshotBlobs.set(file, (blob = new Blob([readFileSync(file)])));
  return blob;
}

/**
 * A fresh database for one test file: a copy of the migrated, jurisdiction-seeded template
 * made once by the global setup. PGlite by default; a PostgreSQL server when
 * TEST_DATABASE_URL is set (a new database, dropped on close).
 * `seeded`: a copy of the template that also holds the whole demo city (`seedAll` of every
 * module), when the global setup made one (see `hasSeededTemplate`).
 */
export async function createTestDatabase(opts: { maxConnections?: number; seeded?: boolean } = {}): Promise<Database> {
  if (opts.seeded && !hasSeededTemplate())
    throw new Error('createTestDatabase({ seeded: true }): no seeded template (the global setup makes it); use startTestServer({ seeded: true }), which seeds without one');
  return openTestDatabase(opts);
}

/** Whether the global setup made the demo-seeded template (not when a file runs without it). */
export function hasSeededTemplate(): boolean {
  return seededTemplateOf(safeInject()) !== null;
}

function seededTemplateOf(provided: ReturnType<typeof safeInject>): string | null {
  if (!provided) return null;
  if (process.env.TEST_DATABASE_URL) return provided.seededTemplateDatabase ?? null;
  const file = provided.pgliteSeededSnapshot;
  return file && existsSync(file) ? file : null;
}

async function openTestDatabase(opts: { maxConnections?: number; seeded?: boolean }): Promise<Database> {
  const provided = safeInject();
  const seededTemplate = opts.seeded ? seededTemplateOf(provided) : null;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const { default: postgres } = await import('postgres');
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    const name = `safecity_t_${randomBytes(6).toString('hex')}`;
    const template = seededTemplate ?? provided?.templateDatabase;
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
    const db = await createDatabase({ url: withDatabase(serverUrl, name), maxConnections: opts.maxConnections ?? 5 });
    if (!template) await migrate(db, migrationsFolder(), []);
    return {
      ...db,
      async close() {
        await db.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const snapshot = seededTemplate ?? provided?.pgliteSnapshot;
  if (snapshot && existsSync(snapshot)) return createDatabase({ loadDataDir: snapshotBlob(snapshot) });
  const db = await createDatabase({ dataDir: 'memory://' });
  await migrate(db, migrationsFolder(), []);
  return db;
}

/**
 * How a test starts the real CLI as a child process: plain node on the bundle the global setup
 * built with `npm run build` (what ships), or, outside vitest's setup, node with tsx on the
 * sources. The bundle starts in a fraction of tsx's time: tsx compiles every module again in
 * each child. Either way the pid is the CLI's own (no wrapper process in between).
 */
export function cliCommand(args: string[]): [string, string[]] {
  const bundle = safeInject()?.cliBundle;
  // `--liftoff-only`: a short-lived child would spend seconds of CPU optimizing PGlite's WASM
  // module it barely uses (a V8 code-generation choice, no behaviour of the CLI's).
  if (bundle && existsSync(bundle)) return [process.execPath, ['--liftoff-only', bundle, ...args]];
  return [process.execPath, ['--liftoff-only', '--import', 'tsx', join(repoRoot(), 'packages/api/src/cli.ts'), ...args]];
}

function safeInject() {
  try {
    return inject('safecity');
  } catch {
    return undefined;
  }
}

export interface GqlResult<T = any> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
  headers: Headers;
}

export interface TestServer {
  url: string;
  platform: Platform;
  database: Database;
  app: App;
  config: Config;
  /** POST a GraphQL operation through the real HTTP server. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<GqlResult<T>>;
  /** A development token (HS256) for a role; jurisdiction defaults per role as seeded. */
  token(role: Role, jurisdiction?: string, extra?: Partial<TokenClaims>): Promise<string>;
  /** A context for calling services directly as a role (setup code, not assertions). */
  ctxAs(role: Role | null, jurisdiction?: string): Promise<Ctx>;
  /** Counts SQL statements run by `fn` (through drizzle). */
  countStatements: typeof countStatements;
  /**
   * One GraphQL request served in process (the app's fetch, not HTTP), so the statements it runs
   * are counted in the caller's scope: the answer with the statements' text and parameters.
   */
  gqlStatements(query: string, variables: Record<string, unknown>, token: string): Promise<{ result: { data?: any; errors?: unknown }; log: string[]; params: unknown[][] }>;
  /** Opens a GraphQL-over-SSE subscription; resolves once the stream is open. */
  subscribe(query: string, variables: Record<string, unknown>, token: string): Promise<{ next(timeoutMs?: number): Promise<any>; close(): void }>;
  close(): Promise<void>;
}

/** Test databases share names (PGlite's are all `postgres`): each gets its own Redis channel. */
const testChannels = new WeakMap<Database, string>();
function testChannelOf(database: Database): string {
  let c = testChannels.get(database);
  if (!c) testChannels.set(database, (c = `safecity:test-events:${randomBytes(6).toString('hex')}`));
  return c;
}

/**
 * Counts the event-topic listeners the server's subscriptions open (every subscription field
 * reads `platform.pubsub`): the readiness signal `subscribe` waits for instead of a fixed sleep.
 * A `subscribe` call is ready once a listener started after it asked (calls are made one after
 * another: two at once could both be released by the first listener).
 */
function watchSubscriptions(platform: Platform) {
  const inner = platform.pubsub;
  let started = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  platform.pubsub = {
    publish: (topic, payload) => inner.publish(topic, payload),
    subscribe(topic) {
      const source = inner.subscribe(topic);
      return {
        [Symbol.asyncIterator]() {
          const it = source[Symbol.asyncIterator]();
          let first = true;
          return {
            next() {
              // The first next() starts the pub/sub listener synchronously (a Repeater's executor).
              const r = it.next();
              if (first) {
                first = false;
                started++;
                for (const w of waiting.filter((w) => w.n <= started)) {
                  waiting.splice(waiting.indexOf(w), 1);
                  w.resolve();
                }
              }
              return r;
            },
            return: (v?: unknown) => it.return?.(v) ?? Promise.resolve({ done: true as const, value: v }),
            throw: (e?: unknown) => it.throw?.(e) ?? Promise.reject(e),
          };
        },
      };
    },
  };
  return {
    requested: () => started + 1,
    opened: (n: number) => (started >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
  };
}

/**
 * `database`: serve an existing database (several instances on one database); the caller closes it.
 */
export async function startTestServer(opts: {
  modules: ModuleDescriptor[];
  config?: Partial<Config>;
  env?: NodeJS.ProcessEnv;
  database?: Database;
  /**
   * Start from the whole demo city: a copy of the global setup's seeded template, else (a given
   * `database`, no global setup) `seedAll` of `modules` here.
   */
  seeded?: boolean;
  logDestination?: import('pino').DestinationStream;
  log?: Logger;
}): Promise<TestServer> {
  const base = loadConfig({ ...(opts.env ?? {}), NODE_ENV: 'test', VITEST: '1' } as NodeJS.ProcessEnv);
  const fromSeededTemplate = !!opts.seeded && !opts.database && hasSeededTemplate();
  const database = opts.database ?? (await createTestDatabase({ seeded: fromSeededTemplate }));
  const config: Config = {
    ...base,
    redisChannel: testChannelOf(database),
    ...opts.config,
    auth: { ...base.auth, ...opts.config?.auth },
    limits: { ...base.limits, ...opts.config?.limits },
    security: { ...base.security, ...opts.config?.security },
  };
  // A module under test is often listed alone, without the emitters of the events it reacts to.
  const platform = await createPlatform({ modules: opts.modules, config, database, log: opts.log, logDestination: opts.logDestination, eventContract: 'off' });
  if (opts.seeded && !fromSeededTemplate) await seedAll(platform, opts.modules);
  const listening = watchSubscriptions(platform);
  platform.outbox?.start();
  const schema = buildSchema(opts.modules);
  const app = createApp({ platform, schema });
  // Kept-alive connections stay open config.keepAliveTimeoutMs (65 s), as in production: a test
  // that paused (a direct seed, a long query) does not meet a socket the server just closed.
  const server: Server = await app.listen(0, '127.0.0.1');
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  const secret = config.auth.devSecret ?? 'unused';
  const token = (role: Role, jurisdiction?: string, extra?: Partial<TokenClaims>) =>
    mintDevToken(secret, { sub: SEEDED_USERS[role].sub, roles: [role], jurisdiction: jurisdiction ?? SEEDED_USERS[role].jurisdiction, ...extra });
  const subscriptions = new Set<AbortController>();
  return {
    url,
    platform,
    database,
    app,
    config,
    countStatements,
    token,
    async ctxAs(role, jurisdiction) {
      if (!role) return systemContext(platform, null);
      const actor = await app.auth.authenticate(`Bearer ${await token(role, jurisdiction)}`);
      return systemContext(platform, actor);
    },
    async gqlStatements(query, variables, tok) {
      const { result, log, params } = await countStatements(async () => {
        const r = await app.yoga.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}`, 'x-safecity-client': 'test' },
          body: JSON.stringify({ query, variables }),
        });
        return (await r.json()) as { data?: any; errors?: unknown };
      }, true);
      return { result, log, params };
    },
    async gql(query, variables, o = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: GqlResult['errors']; extensions?: Record<string, unknown> };
      return { status: res.status, data: (body.data ?? null) as never, errors: body.errors, extensions: body.extensions, headers: res.headers };
    },
    async subscribe(query, variables, tok) {
      const ticket = listening.requested();
      const ac = new AbortController();
      subscriptions.add(ac);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tok}` },
        body: JSON.stringify({ query, variables }),
        signal: ac.signal,
      });
      if (!res.ok || !res.body) throw new Error(`subscription failed: ${res.status} ${await res.text()}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      const queue: any[] = [];
      const waiters: ((v: any) => void)[] = [];
      let onAnswer = () => {};
      const answered = new Promise<void>((r) => (onAnswer = r));
      let readyTimer: ReturnType<typeof setTimeout> | undefined;
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) {
              onAnswer();
              break;
            }
            buffer += value;
            let i: number;
            while ((i = buffer.indexOf('\n\n')) >= 0) {
              const chunk = buffer.slice(0, i);
              buffer = buffer.slice(i + 2);
              const data = chunk
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trim())
                .join('\n');
              if (!data) continue;
              const msg = JSON.parse(data);
              onAnswer();
              const w = waiters.shift();
              if (w) w(msg);
              else queue.push(msg);
            }
          }
        } catch {
          /* aborted */
        }
      })();
      // Ready when the server's source listens to the event topic (events published before that
      // are not this subscription's), or when the stream already answered (a refusal, an error).
      const deadline = new Promise<never>((_, reject) => {
        readyTimer = setTimeout(() => reject(new Error('subscription not listening within 10 s')), 10_000);
      });
      try {
        await Promise.race([listening.opened(ticket), answered, deadline]);
      } catch (e) {
        ac.abort();
        subscriptions.delete(ac);
        throw e;
      } finally {
        clearTimeout(readyTimer);
      }
      return {
        next(timeoutMs = 5000) {
          if (queue.length) return Promise.resolve(queue.shift());
          return new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error('no subscription event within timeout')), timeoutMs);
            waiters.push((v) => {
              clearTimeout(t);
              resolve(v);
            });
          });
        },
        close() {
          ac.abort();
          subscriptions.delete(ac);
        },
      };
    },
    async close() {
      for (const ac of subscriptions) ac.abort();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.operability.close();
      await (platform as Platform & { close?: () => Promise<void> }).close?.();
      if (!opts.database) await database.close();
    },
  };
}

export { countStatements, SEEDED_USERS };
export * from './redis-server.js';
export * from './results.js';

/** Whether a PostgreSQL server answers at `url`: tests that need a server skip without one. */
export async function postgresReachable(url: string): Promise<boolean> {
  const { default: postgres } = await import('postgres');
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

#!/usr/bin/env -S npx tsx
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  actorFromClaims,
  createApp,
  createDatabase,
  createPlatform,
  devTokenClaims,
  isDivisionCode,
  DataDirectoryInUseError,
  installSafetyNet,
  loadConfig,
  initTracing,
  listenMetrics,
  migrate,
  mintDevToken,
  isRole,
  ROLE_NAMES,
  ROLES,
  revokeToken,
  isLoopback,
  seedAll,
  shutdownGracefully,
  systemContext,
  verifyAuditChain,
  withCore,
  createJobRunner,
  jobsOf,
  type Role,
} from '@safecity/core';
import { SEEDED_USERS } from './users.js';
import { modules } from './modules.js';
import { printedSchema, checkedSchema } from './schema.js';
import { generateMigration, pendingMigration } from './generate-migrations.js';
import { EXAMPLE_OPERATIONS } from './examples.js';
import { isClusterWorker, runPrimary, workersOption } from './cluster.js';
import { missingServerNodeFlags, SERVER_NODE_FLAGS, servingRuntimeProblem } from './node-flags.js';

const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS = join(here, '../migrations');
export const SCHEMA_FILE = join(here, '../schema.graphql');

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}
function has(args: string[], name: string): boolean {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

async function open() {
  // The embedded database lives at the repository root whatever directory pnpm runs us from.
  process.env.PGLITE_DATA_DIR ??= join(here, '../../../.data/pglite');
  const config = loadConfig();
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const platform = await createPlatform({ modules, config, database });
  return { config, database, platform };
}

async function main() {
  const [command = 'help', ...args] = process.argv.slice(2);
  switch (command) {
    case 'serve': {
      const seed = has(args, 'seed');
      const workers = workersOption(args);
      // Before anything runs: OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nothing.
      const tracing = await initTracing();
      const { config, database, platform } = await open();
      installSafetyNet(platform.log, { role: isClusterWorker() ? 'worker' : 'server' });
      if (workers !== null && !isClusterWorker()) {
        // PGlite is one process's files: several workers would each open (and damage) them.
        if (database.kind === 'pglite') {
          console.error('serve --workers needs a PostgreSQL server (DATABASE_URL): the embedded database can only be opened by one process. Run `serve` without --workers.');
          process.exit(2);
        }
        // The primary migrates (and seeds) once; the workers only serve.
        await migrate(database, MIGRATIONS, modules);
        if (seed) await seedAll(platform, modules);
        await platform.close();
        await database.close();
        await runPrimary(workers, platform.log, config.shutdownTimeoutMs);
        process.exit(0);
      }
      if (!isClusterWorker()) await migrate(database, MIGRATIONS, modules);
      if (seed && !isClusterWorker()) await seedAll(platform, modules);
      platform.outbox?.start(); // events a stopped or crashed process left unpublished go out now
      // Scheduled jobs, each on one node at a time (jobs.ts); on PGlite this process runs them all.
      const jobs = createJobRunner({ platform, jobs: jobsOf(withCore(modules)), config: config.jobs, context: () => systemContext(platform) });
      jobs.start();
      // GraphiQL's ready city-administrator token: only for a development server reachable from
      // this machine alone, minted per page load and valid for one hour.
      const devSecret = config.auth.devSecret;
      const embedToken = !!devSecret && isLoopback(config.host);
      const app = createApp({
        platform,
        schema: buildSchema(modules),
        graphiqlQuery: EXAMPLE_OPERATIONS,
        graphiqlHeaders: embedToken
          ? async () => ({ Authorization: `Bearer ${await mintDevToken(devSecret!, { ...SEEDED_USERS.city_admin, roles: ['city_admin'] }, { expiresIn: '1h' })}` })
          : undefined,
      });
      const server = await app.listen(config.port, config.host);
      const metricsServer = config.ops.metricsPort !== null ? await listenMetrics(config.ops.metricsPort, config.ops.metricsToken, platform.log) : null;
      platform.log.info(
        { port: config.port, host: config.host, database: database.kind, redis: !!config.redisUrl, auth: config.auth.devSecret ? 'LOCAL DEVELOPMENT (HS256)' : 'public key / JWKS' },
        `SafeCity API on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`,
      );
      const missingFlags = missingServerNodeFlags(process.execArgv);
      if (config.production && missingFlags.length)
        platform.log.warn(
          { missing: missingFlags },
          `started without ${missingFlags.join(' ')}: slow seconds after an idle spell, V8's helpers taking the request thread's core in bursts, mark-compact stalls after a burst (node-flags.ts); start with \`node ${SERVER_NODE_FLAGS.join(' ')} packages/api/dist/cli.mjs serve\``,
        );
      const runtimeProblem = servingRuntimeProblem(process.version, new Date().toISOString().slice(0, 10));
      if (config.production && runtimeProblem) platform.log.warn({ node: process.version }, runtimeProblem);
      if (devSecret && !embedToken) platform.log.warn({ host: config.host }, 'GraphiQL carries no ready token: the server listens beyond this machine.');
      if (devSecret) platform.log.warn('LOCAL DEVELOPMENT AUTH MODE: HS256 tokens from `npm run cli -- token <role>` are accepted. Set AUTH_JWKS_URL or AUTH_PUBLIC_KEY for real use.');
      shutdownGracefully(
        server,
        async () => {
          metricsServer?.close();
          await jobs.stop();
          await tracing?.shutdown();
          await app.operability.close();
          await platform.close();
          await database.close();
        },
        platform.log,
        config.shutdownTimeoutMs,
      );
      return;
    }
    case 'migrate': {
      const { database, platform } = await open();
      await migrate(database, MIGRATIONS, modules);
      platform.log.info('migrations applied');
      await platform.close();
      await database.close();
      return;
    }
    case 'seed': {
      const { database, platform } = await open();
      await migrate(database, MIGRATIONS, modules);
      await seedAll(platform, modules, args.length ? args : undefined);
      await platform.close();
      await database.close();
      return;
    }
    case 'token': {
      const role = args[0] as Role;
      if (!isRole(role)) {
        console.error(
          `usage: token <role> [--jurisdiction CODE] [--sub ID] [--ttl 8h]\nroles:\n${ROLE_NAMES.map((r) => `  ${r.padEnd(20)} ${ROLES[r]} (seeded at ${SEEDED_USERS[r].jurisdiction})`).join('\n')}`,
        );
        process.exit(2);
      }
      const config = loadConfig();
      if (!config.auth.devSecret) {
        console.error('token mints local-development tokens only; this configuration verifies tokens with a public key or JWKS.');
        process.exit(2);
      }
      const jurisdiction = flag(args, 'jurisdiction');
      if (jurisdiction !== undefined && !isDivisionCode(jurisdiction)) {
        console.error(`--jurisdiction ${jurisdiction}: not a division code`);
        process.exit(2);
      }
      // Another jurisdiction than the seeded user's means another officer: a subject of its own.
      const token = await mintDevToken(config.auth.devSecret, devTokenClaims(role, { jurisdiction, sub: flag(args, 'sub') }), {
        expiresIn: flag(args, 'ttl') ?? '8h',
        issuer: config.auth.issuer,
        audience: config.auth.audience,
      });
      process.stdout.write(`${token}\n`);
      return;
    }
    case 'revoke-token': {
      // An operator's emergency stop for a leaked token: same service, audit entry and effect as the revokeToken mutation.
      const jti = flag(args, 'jti');
      const sub = flag(args, 'sub');
      const reason = flag(args, 'reason') ?? 'revoked by an operator (CLI)';
      if (!jti === !sub) {
        console.error('usage: revoke-token --jti ID | --sub SUBJECT [--reason TEXT]');
        process.exit(2);
      }
      const { database, platform } = await open();
      await migrate(database, MIGRATIONS, modules);
      const operator = {
        id: `cli:${process.env.USER ?? 'operator'}`,
        roles: ['city_admin' as Role],
        jurisdictionCode: SEEDED_USERS.city_admin.jurisdiction,
        permissions: new Set(['auth:token.revoke']),
      };
      const row = await revokeToken(systemContext(platform, operator), { jti, sub, reason });
      console.log(JSON.stringify({ revoked: row }));
      await platform.close();
      await database.close();
      return;
    }
    case 'verify-audit': {
      const { database, platform } = await open();
      const result = await verifyAuditChain(database.db);
      console.log(JSON.stringify(result));
      await platform.close();
      await database.close();
      return process.exit(result.ok ? 0 : 1);
    }
    case 'print-schema': {
      const out = printedSchema();
      if (has(args, 'check')) {
        const { readFileSync } = await import('node:fs');
        const committed = readFileSync(SCHEMA_FILE, 'utf8');
        if (committed !== out) {
          console.error('schema.graphql differs from the code: run `npm run cli -- print-schema --write` and commit it.');
          process.exit(1);
        }
        console.log('schema.graphql matches the code');
        return;
      }
      if (has(args, 'write')) writeFileSync(SCHEMA_FILE, out);
      else process.stdout.write(out);
      return;
    }
    case 'schema-check': {
      // The README's schema conventions, measured: figures always, exit 1 when a rule is broken.
      const { lines, failures, pending } = checkedSchema();
      for (const l of lines) console.log(l);
      for (const p of pending) console.log(`PENDING ${p}`);
      for (const f of failures) console.error(`FAIL ${f}`);
      if (failures.length) process.exit(1);
      console.log('schema conventions kept');
      return;
    }
    case 'generate-migration': {
      // Adds the next migration; no command rewrites or deletes the committed history.
      const tag = await generateMigration(modules, MIGRATIONS, args[0] ?? 'change');
      console.log(tag ? `wrote ${tag}` : 'no changes');
      return;
    }
    case 'check-migrations': {
      // CI: the committed migrations must produce the tables the modules declare.
      const { statements } = await pendingMigration(modules, MIGRATIONS);
      if (statements.length) {
        console.error(
          `The committed migrations do not match the tables: drizzle-kit would emit ${statements.length} statement(s). Run \`npm run -s cli -- generate-migration <name>\` and commit it.\n${statements.join('\n')}`,
        );
        process.exit(1);
      }
      console.log('migrations match the tables');
      return;
    }
    default: {
      const [mod, cmd] = command.split(':');
      const m = withCore(modules).find((x) => x.name === mod);
      const c = cmd ? m?.commands?.[cmd] : undefined;
      if (!c) {
        const moduleCommands = withCore(modules).flatMap((x) => Object.entries(x.commands ?? {}).map(([k, v]) => `  ${`${x.name}:${k}`.padEnd(28)} ${v.description}`));
        console.log(`usage: safecity <command>
  serve [--seed] [--workers [N]]  migrate, optionally seed, and serve on PORT (default 4000);
                               --workers: N supervised processes (default one per core; PostgreSQL server only)
  migrate                      apply migrations
  seed [module ...]            apply migrations and seed the demo city (idempotent)
  token <role>                 mint a local-development token (roles: ${ROLE_NAMES.join(', ')})
  revoke-token --jti ID | --sub SUBJECT [--reason TEXT]
                               revoke one token or every token of a subject issued until now
  verify-audit                 recompute the audit hash chain (exit 1 when broken)
  print-schema [--write|--check]
  schema-check                 print and enforce the schema conventions' figures
  generate-migration [name]     add the next migration for changed tables
  check-migrations             fail when the tables changed without a migration
${moduleCommands.join('\n')}`);
        process.exit(command === 'help' ? 0 : 2);
      }
      const as = (flag(args, 'as') ?? 'city_admin') as Role;
      if (!isRole(as)) {
        console.error(`--as takes one of the roles: ${ROLE_NAMES.join(', ')}`);
        process.exit(2);
      }
      const { database, platform } = await open();
      await migrate(database, MIGRATIONS, modules);
      // The command line is an operator's channel on the server itself (it holds the database
      // credentials), so its actor is built from the role directly, with no token: the same in
      // development and in production, where no development secret exists to sign one.
      const user = SEEDED_USERS[as];
      const actor = actorFromClaims({ sub: user.sub, roles: [as], jurisdiction: user.jurisdiction }, platform.rolePermissions);
      await c.run(systemContext(platform, actor), args);
      await platform.close();
      await database.close();
    }
  }
}

main().catch((e) => {
  // A coded refusal (the data directory is someone else's) is an answer, not a crash: no stack.
  if (e instanceof DataDirectoryInUseError) console.error(`${e.code}: ${e.message}`);
  else console.error(e);
  process.exit(1);
});

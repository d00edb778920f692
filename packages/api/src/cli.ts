#!/usr/bin/env -S npx tsx
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  createApp,
  createDatabase,
  createPlatform,
  devTokenClaims,
  isDivisionCode,
  loadConfig,
  initTracing,
  listenMetrics,
  migrate,
  mintDevToken,
  ROLE_NAMES,
  ROLES,
  seedAll,
  shutdownGracefully,
  systemContext,
  verifyAuditChain,
  withCore,
  type Role,
} from '@safecity/core';
import { SEEDED_USERS } from './users.js';
import { modules } from './modules.js';
import { printedSchema } from './schema.js';
import { generateMigration } from './generate-migrations.js';
import { EXAMPLE_OPERATIONS } from './examples.js';

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
      // Before anything runs: OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nothing.
      const tracing = await initTracing();
      const { config, database, platform } = await open();
      await migrate(database, MIGRATIONS, modules);
      if (seed) await seedAll(platform, modules);
      const devToken = config.auth.devSecret
        ? await mintDevToken(config.auth.devSecret, { ...SEEDED_USERS.city_admin, roles: ['city_admin'] }, { expiresIn: '30d' })
        : null;
      const app = createApp({
        platform,
        schema: buildSchema(modules),
        graphiqlQuery: EXAMPLE_OPERATIONS,
        graphiqlHeaders: devToken ? { Authorization: `Bearer ${devToken}` } : undefined,
      });
      const server = await app.listen(config.port);
      const metricsServer = config.ops.metricsPort !== null ? await listenMetrics(config.ops.metricsPort, config.ops.metricsToken, platform.log) : null;
      platform.log.info(
        { port: config.port, database: database.kind, redis: !!config.redisUrl, auth: config.auth.devSecret ? 'LOCAL DEVELOPMENT (HS256)' : 'public key / JWKS' },
        `SafeCity API on http://localhost:${config.port}/graphql`,
      );
      if (devToken) platform.log.warn('LOCAL DEVELOPMENT AUTH MODE: HS256 tokens from `npm run cli -- token <role>` are accepted. Set AUTH_JWKS_URL or AUTH_PUBLIC_KEY for real use.');
      shutdownGracefully(server, async () => {
        metricsServer?.close();
        await tracing?.shutdown();
        await app.operability.close();
        await platform.close();
        await database.close();
      }, platform.log);
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
      if (!ROLE_NAMES.includes(role)) {
        console.error(`usage: token <role> [--jurisdiction CODE] [--sub ID] [--ttl 8h]\nroles:\n${ROLE_NAMES.map((r) => `  ${r.padEnd(20)} ${ROLES[r]} (seeded at ${SEEDED_USERS[r].jurisdiction})`).join('\n')}`);
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
      const token = await mintDevToken(
        config.auth.devSecret,
        devTokenClaims(role, { jurisdiction, sub: flag(args, 'sub') }),
        { expiresIn: flag(args, 'ttl') ?? '8h', issuer: config.auth.issuer, audience: config.auth.audience },
      );
      process.stdout.write(`${token}\n`);
      return;
    }
    case 'verify-audit': {
      const { database, platform } = await open();
      const result = await verifyAuditChain(database.db);
      console.log(JSON.stringify(result));
      await platform.close();
      await database.close();
      process.exit(result.ok ? 0 : 1);
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
    case 'generate-migration': {
      // Before the first release the history may be squashed: --reset regenerates it from scratch.
      if (has(args, 'reset')) rmSync(MIGRATIONS, { recursive: true, force: true });
      const tag = await generateMigration(modules, MIGRATIONS, args[0] ?? 'change');
      console.log(tag ? `wrote ${tag}` : 'no changes');
      return;
    }
    default: {
      const [mod, cmd] = command.split(':');
      const m = withCore(modules).find((x) => x.name === mod);
      const c = cmd ? m?.commands?.[cmd] : undefined;
      if (!c) {
        const moduleCommands = withCore(modules).flatMap((x) => Object.entries(x.commands ?? {}).map(([k, v]) => `  ${`${x.name}:${k}`.padEnd(28)} ${v.description}`));
        console.log(`usage: safecity <command>
  serve [--seed]               migrate, optionally seed, and serve on PORT (default 4000)
  migrate                      apply migrations
  seed [module ...]            apply migrations and seed the demo city (idempotent)
  token <role>                 mint a local-development token (roles: ${ROLE_NAMES.join(', ')})
  verify-audit                 recompute the audit hash chain (exit 1 when broken)
  print-schema [--write|--check]
  generate-migration [name] [--reset]
${moduleCommands.join('\n')}`);
        process.exit(command === 'help' ? 0 : 2);
      }
      const as = (flag(args, 'as') ?? 'city_admin') as Role;
      const { database, platform, config } = await open();
      await migrate(database, MIGRATIONS, modules);
      const app = createApp({ platform, schema: buildSchema(modules) });
      const token = await mintDevToken(config.auth.devSecret ?? '', { ...SEEDED_USERS[as], roles: [as] });
      const actor = config.auth.devSecret ? await app.auth.authenticate(`Bearer ${token}`) : null;
      await c.run(systemContext(platform, actor), args);
      await platform.close();
      await database.close();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

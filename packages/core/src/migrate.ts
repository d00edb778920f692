import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import { withCore } from './schema.js';
import type { Database } from './db.js';
import { rowSecuritySql } from './data/row-security.js';
import type { ModuleDescriptor } from './module.js';

/**
 * Applies the committed drizzle migrations, then each module's idempotent post-migrate SQL and
 * data migration. On a server, under a session advisory lock held on a connection of its own:
 * every API node migrates as it starts, and two nodes starting together (a deploy of several
 * replicas) ran the same DDL at once; one of them died at start-up on "tuple concurrently
 * updated" (seen 2026-11-29 with two servers started a second apart). The second waits, then
 * finds everything applied. A process that dies while migrating ends its session, and the lock
 * with it.
 */
export async function migrate(database: Database, migrationsFolder: string, modules: ModuleDescriptor[]): Promise<void> {
  if (database.kind !== 'postgres') return migrateNow(database, migrationsFolder, modules);
  const conn = await (database.raw as Sql).reserve();
  try {
    await conn`select pg_advisory_lock(hashtext('safecity:migrate'))`;
    try {
      await migrateNow(database, migrationsFolder, modules);
    } finally {
      await conn`select pg_advisory_unlock(hashtext('safecity:migrate'))`.catch(() => {});
    }
  } finally {
    conn.release();
  }
}

async function migrateNow(database: Database, migrationsFolder: string, modules: ModuleDescriptor[]): Promise<void> {
  if (database.kind === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder });
  } else {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    await run(database.db as never, { migrationsFolder });
  }
  for (const m of withCore(modules)) for (const stmt of m.postMigrateSql ?? []) await database.db.execute(sql.raw(stmt));
  for (const stmt of rowSecuritySql(withCore(modules))) await database.db.execute(sql.raw(stmt));
  for (const m of withCore(modules)) await m.postMigrate?.(database.db);
}

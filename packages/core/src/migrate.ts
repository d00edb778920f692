import { sql } from 'drizzle-orm';
import { withCore } from './schema.js';
import type { Database } from './db.js';
import { rowSecuritySql } from './data/row-security.js';
import type { ModuleDescriptor } from './module.js';

/** Applies the committed drizzle migrations, then each module's idempotent post-migrate SQL and data migration. */
export async function migrate(database: Database, migrationsFolder: string, modules: ModuleDescriptor[]): Promise<void> {
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

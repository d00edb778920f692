import { systemContext } from './platform.js';
import { withCore } from './schema.js';
import type { Platform } from './context.js';
import type { ModuleDescriptor } from './module.js';

/** Runs every module's idempotent seed in list order (core's jurisdictions first). */
export async function seedAll(platform: Platform, modules: ModuleDescriptor[], only?: string[]): Promise<void> {
  for (const m of withCore(modules)) {
    if (!m.seed || (only && !only.includes(m.name))) continue;
    const started = Date.now();
    await m.seed(systemContext(platform));
    platform.log.info({ module: m.name, ms: Date.now() - started }, 'seeded');
  }
}

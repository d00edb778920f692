import type { GraphQLSchema } from 'graphql';
import { createBuilder } from './builder.js';
import { coreModule } from './core-module.js';
import type { ModuleDescriptor } from './module.js';

/** Schema building: the module list as the platform sees it, and one GraphQL schema from it. */

/** Core first, then the modules in the order the api lists them. */
export function withCore(modules: ModuleDescriptor[]): ModuleDescriptor[] {
  return [coreModule, ...modules.filter((m) => m !== coreModule)];
}

export function buildSchema(modules: ModuleDescriptor[]): GraphQLSchema {
  const all = withCore(modules);
  const names = new Set<string>();
  for (const m of all) {
    if (names.has(m.name)) throw new Error(`module ${m.name} is listed twice`);
    names.add(m.name);
  }
  const builder = createBuilder({ errorCodes: all.flatMap((m) => m.errorCodes) });
  for (const m of all) m.register(builder);
  return builder.toSchema({ sortSchema: true });
}

export function rolePermissionsOf(modules: ModuleDescriptor[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const m of withCore(modules)) {
    for (const [perm, spec] of Object.entries(m.permissions)) {
      for (const role of spec.roles) {
        if (!map.has(role)) map.set(role, new Set());
        map.get(role)!.add(perm);
      }
    }
  }
  return map;
}

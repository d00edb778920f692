import type { ModuleDescriptor } from '@safecity/core';
import { assessmentModule } from '@safecity/assessment';
import { creditModule } from '@safecity/credit';
import { disputesModule } from '@safecity/disputes';
import { patrolModule } from '@safecity/patrol';
import { populationModule } from '@safecity/population';

/**
 * The one list of modules. The schema, the migrations and the seed are built from it;
 * adding a module is one line here. Core (jurisdictions, audit, idempotency) comes first
 * implicitly.
 */
export const modules: ModuleDescriptor[] = [populationModule, patrolModule, assessmentModule, creditModule, disputesModule];

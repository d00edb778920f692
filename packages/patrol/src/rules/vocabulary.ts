/** The closed vocabularies of patrol's records (the tables' check constraints and the GraphQL enums). */

export const CHECKPOINT_KINDS = ['city_ring', 'intercity_entrance', 'temporary_duty_point'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];
/** 四级巡控: the level a patrol team works at. */
export const TEAM_LEVELS = ['city_bureau', 'branch_bureau', 'police_station', 'community'] as const;
export type TeamLevel = (typeof TEAM_LEVELS)[number];

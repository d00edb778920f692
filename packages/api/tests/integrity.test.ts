import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Database } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';

type SQL = ReturnType<typeof sql>;

/**
 * The database keeps its own integrity, whatever code writes to it: every module's rows refer
 * to rows that exist (their own tables' and core's jurisdictions), stay inside their closed
 * vocabularies, and history tables refuse UPDATE and DELETE. Raw SQL on purpose: no service
 * check stands in front. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL. It lives
 * in the api package because only the api lists every module (core cannot see their tables).
 */
let d: Database;
/** A community of the seeded demo city (兰州市 城关区), and a well-formed code that does not exist. */
let community: string;
const NO_SUCH_CODE = '620102999999';

beforeAll(async () => {
  d = await createTestDatabase();
  const rows = (await d.db.execute(sql`select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 1`)) as unknown as { rows?: { code: string }[] } & {
    code: string;
  }[];
  community = (rows.rows ?? rows)[0].code;
});
afterAll(() => d?.close());

/** The SQLSTATE and message the database answered with, or 'ok'. Each statement runs alone, so a refusal rolls it back. */
async function refusal(q: SQL): Promise<{ code: string; message: string } | 'ok'> {
  try {
    await d.db.execute(q);
    return 'ok';
  } catch (e) {
    const err = e as Error & { code?: string; cause?: Error & { code?: string } };
    return { code: err.cause?.code ?? err.code ?? 'none', message: err.cause?.message ?? err.message };
  }
}

/** PostgreSQL (and PGlite) cut identifiers at 63 bytes: the name the error message carries. */
const stored = (name: string) => name.slice(0, 63);
const fk = (table: string, column: string, target: string, targetColumn: string) => stored(`${table}_${column}_${target}_${targetColumn}_fk`);

const dangling: { module: string; table: string; constraint: () => string; insert: () => SQL }[] = [
  {
    module: 'core',
    table: 'jurisdictions',
    constraint: () => fk('jurisdictions', 'parent_code', 'jurisdictions', 'code'),
    insert: () => sql`insert into jurisdictions (code, name, level, parent_code, depth) values (${`${NO_SUCH_CODE}001`}, '孤儿网格', 'grid', ${NO_SUCH_CODE}, 5)`,
  },
  {
    module: 'population',
    table: 'person_tier_history',
    constraint: () => fk('person_tier_history', 'person_id', 'persons', 'id'),
    insert: () => sql`insert into person_tier_history (person_id, tier, set_by, set_at, reason, jurisdiction_code) values (gen_random_uuid(), 'key', 't', now(), 'r', ${community})`,
  },
  {
    module: 'patrol',
    table: 'patrol_members',
    constraint: () => fk('patrol_members', 'team_id', 'patrol_teams', 'id'),
    insert: () => sql`insert into patrol_members (team_id, name, jurisdiction_code) values (gen_random_uuid(), '张三', ${community})`,
  },
  {
    module: 'assessment',
    table: 'safe_units',
    constraint: () => fk('safe_units', 'batch_id', 'creation_batches', 'id'),
    insert: () => sql`insert into safe_units (name, category, jurisdiction_code, batch_id, created_by) values ('某市场', 'market', ${community}, gen_random_uuid(), 't')`,
  },
  {
    module: 'credit',
    table: 'credit_records',
    constraint: () => fk('credit_records', 'subject_id', 'credit_subjects', 'id'),
    insert: () =>
      sql`insert into credit_records (subject_id, jurisdiction_code, polarity, kind, source_department, date, summary, valid_from, recorded_by) values (gen_random_uuid(), ${community}, 'positive', 'other', 'd', '2025-01-01', 's', '2025-01-01', 't')`,
  },
  {
    module: 'disputes',
    table: 'dispute_steps',
    constraint: () => fk('dispute_steps', 'dispute_id', 'disputes', 'id'),
    insert: () =>
      sql`insert into dispute_steps (dispute_id, jurisdiction_code, kind, on_date, level, outcome, recorded_by, recorded_at) values (gen_random_uuid(), ${community}, 'registered', '2025-01-01', 'community', 'o', 't', now())`,
  },
];

const unknownDivision: { module: string; table: string; insert: () => SQL }[] = [
  { module: 'core', table: 'event_outbox', insert: () => sql`insert into event_outbox (name, payload, request_id, jurisdiction_code) values ('x', '{}'::jsonb, 'r', ${NO_SUCH_CODE})` },
  {
    module: 'population',
    table: 'floating_population_estimates',
    insert: () => sql`insert into floating_population_estimates (jurisdiction_code, period, estimate, recorded_by, recorded_at) values (${NO_SUCH_CODE}, '2025', 1, 't', now())`,
  },
  { module: 'patrol', table: 'patrol_blocks', insert: () => sql`insert into patrol_blocks (name, jurisdiction_code, community_codes, weekly_patrol_hours) values ('块', ${NO_SUCH_CODE}, '{}', 1)` },
  {
    module: 'assessment',
    table: 'creation_batches',
    insert: () =>
      sql`insert into creation_batches (project_name, seq, name, jurisdiction_code, lead_unit, participating_units, target_date) values ('p', 999, 'n', ${NO_SUCH_CODE}, 'u', '{}', '2026-01-01')`,
  },
  {
    module: 'credit',
    table: 'credit_subjects',
    insert: () => sql`insert into credit_subjects (credit_code, name, kind, jurisdiction_code, on_file_since) values ('INTEGRITY-TEST-CODE', 'n', 'enterprise', ${NO_SUCH_CODE}, '2020-01-01')`,
  },
  {
    module: 'disputes',
    table: 'screening_rounds',
    insert: () =>
      sql`insert into screening_rounds (jurisdiction_code, period, started_on, ended_on, focus, conducted_by, recorded_at) values (${NO_SUCH_CODE}, '2025Q1', '2025-01-01', '2025-03-31', 'f', 't', now())`,
  },
];

const outsideVocabulary: { module: string; constraint: string; insert: () => SQL }[] = [
  {
    module: 'core',
    constraint: 'jurisdictions_level_check',
    insert: () => sql`insert into jurisdictions (code, name, level, parent_code, depth) values (${`${community}901`}, '网格', 'block', ${community}, 5)`,
  },
  {
    module: 'population',
    constraint: 'person_tier_history_tier_check',
    insert: () => sql`insert into person_tier_history (person_id, tier, set_by, set_at, reason, jurisdiction_code) values (gen_random_uuid(), 'vip', 't', now(), 'r', ${community})`,
  },
  {
    module: 'patrol',
    constraint: 'patrol_checkpoints_kind_check',
    insert: () => sql`insert into patrol_checkpoints (name, kind, latitude, longitude, jurisdiction_code) values ('卡口', 'roadblock', 36.06, 103.83, ${community})`,
  },
  {
    module: 'assessment',
    constraint: 'safe_units_category_check',
    insert: () => sql`insert into safe_units (name, category, jurisdiction_code, batch_id, created_by) values ('某处', 'casino', ${community}, gen_random_uuid(), 't')`,
  },
  {
    module: 'credit',
    constraint: 'credit_subjects_kind_check',
    insert: () => sql`insert into credit_subjects (credit_code, name, kind, jurisdiction_code, on_file_since) values ('INTEGRITY-TEST-KIND', 'n', 'person', ${community}, '2020-01-01')`,
  },
  {
    module: 'disputes',
    constraint: 'mediation_organisations_kind_check',
    insert: () => sql`insert into mediation_organisations (name, kind, jurisdiction_code, created_by, created_at) values ('调解室', 'court', ${community}, 't', now())`,
  },
];

describe('the database refuses what no module may write', () => {
  it.each(dangling)('$module: a $table row referring to a row that does not exist', async ({ table, constraint, insert }) => {
    const r = await refusal(insert());
    expect(r).toEqual({ code: '23503', message: `insert or update on table "${table}" violates foreign key constraint "${constraint()}"` });
  });

  it.each(unknownDivision)('$module: a $table row in a division code that does not exist', async ({ table, insert }) => {
    const r = await refusal(insert());
    expect(r).toEqual({ code: '23503', message: `insert or update on table "${table}" violates foreign key constraint "${fk(table, 'jurisdiction_code', 'jurisdictions', 'code')}"` });
  });

  it.each(outsideVocabulary)('$module: a value outside the vocabulary ($constraint)', async ({ constraint, insert }) => {
    const r = await refusal(insert());
    expect(r).not.toBe('ok');
    expect(r).toMatchObject({ code: '23514' });
    expect((r as { message: string }).message).toMatch(new RegExp(`violates check constraint "${constraint}"$`));
  });

  it('accepts the same rows with real references (the refusals above are the references, not the rows)', async () => {
    expect(await refusal(sql`insert into patrol_blocks (name, jurisdiction_code, community_codes, weekly_patrol_hours) values ('块', ${community}, '{}', 1)`)).toBe('ok');
    expect(
      await refusal(
        sql`insert into screening_rounds (jurisdiction_code, period, started_on, ended_on, focus, conducted_by, recorded_at) values (${community}, '2025Q1', '2025-01-01', '2025-03-31', 'f', 't', now())`,
      ),
    ).toBe('ok');
  });
});

describe('appendOnly: history tables refuse UPDATE and DELETE', () => {
  const dwelling = '00000000-0000-4000-8000-00000000a001';
  beforeAll(async () => {
    await d.db.execute(
      sql`insert into dwellings (id, address, jurisdiction_code, rooms, capacity, filing_status, dwelling_class, listed_on, revisit_due_on) values (${dwelling}, '完整性测试路1号', ${community}, 1, 2, 'filed', 'general', '2025-01-01', '2025-04-01')`,
    );
    await d.db.execute(
      sql`insert into five_ones_checks (dwelling_id, jurisdiction_code, manager, electronic_lock, register_book, police_reminder_sign, responsibility_letter, checked_by, checked_at) values (${dwelling}, ${community}, true, true, true, true, true, 't', now())`,
    );
  });

  it.each([
    { table: 'five_ones_checks', update: () => sql`update five_ones_checks set checked_by = 'edited'`, remove: () => sql`delete from five_ones_checks` },
    { table: 'holiday_arrangements', update: () => sql`update holiday_arrangements set reason = 'edited'`, remove: () => sql`delete from holiday_arrangements` },
  ])('$table', async ({ table, update, remove }) => {
    expect(await refusal(update())).toEqual({ code: 'P0001', message: `${table} is append-only` });
    expect(await refusal(remove())).toEqual({ code: 'P0001', message: `${table} is append-only` });
  });

  it('an ordinary table of the same module still updates (the trigger is per table)', async () => {
    expect(await refusal(sql`update dwellings set rooms = 2 where id = ${dwelling}`)).toBe('ok');
  });
});

import { createReadStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { sql, type SQL } from 'drizzle-orm';
import { appendAuditRows, appendOutboxRows, auditObjectSql, batchIds, batchIdSql, inScope, requireActor, rowsOf, runMutation, withinSql, scopeOf, type Ctx, type TxCtx } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { protectPhone, protectResidentIdForBulk } from '../identity.js';
import { IMPORT_COLUMNS, parseImportRow, REQUIRED_IMPORT_COLUMNS, tenantRevisitDue, type ImportRow, type RowError, type TenantTier } from '../rules.js';
import { today } from './common.js';

/**
 * The registration import (issue #13): the CSV is parsed as a stream (row checks and the
 * identity-number protection in TS, row by row), the rows that pass are gathered in chunks, and
 * each chunk is one transaction: COPY into a temporary staging table, one set-based verdict per
 * row in SQL (dwelling by address in the caller's subtree, duplicates of the file and the
 * register, persons on file, dates, capacity), INSERT … SELECT into the register, and the audit
 * entries and events of every written row in the same transaction. On a server two chunks are in
 * flight at once (see ChunkTurn), committing in file order. A failure loses the chunks in flight
 * (two at most); a rerun finds the rows it already wrote by their import keys and writes nothing
 * twice.
 */

export interface ImportResult {
  rows: number;
  imported: number;
  /** Rows already on the register from an earlier import of the same data (nothing written). */
  duplicates: number;
  personsCreated: number;
  batches: number;
  errors: RowError[];
}

export interface ImportOptions {
  /** Refuse CSV text longer than this (bytes), before anything is written. */
  maxBytes?: number;
  /** Rows per transaction (default 10,000). */
  batchSize?: number;
  /** The expected number of data rows, when known before parsing (a file's line count): progress shows a total from the start. */
  totalHint?: number;
  /** After each committed chunk: rows decided so far (written, duplicate or refused) and the total (an estimate until the end). */
  onProgress?: (done: number, total: number) => void;
  /** Runs inside each chunk's transaction after its writes, with the result so far (the job row of an API import). */
  onChunk?: (tx: TxCtx, soFar: ImportResult, chunkErrors: RowError[]) => Promise<void>;
}

export const DEFAULT_IMPORT_BATCH = 10_000;

/** A row that passed the row checks, with its stored forms computed once while parsing. */
interface StagedRow {
  row: number;
  value: ImportRow;
  idHash: string;
  idHashPrevious: string | null;
  idMasked: string;
  idCipher: string;
  phoneMasked: string | null;
  phoneCipher: string | null;
  /** The id the person gets if the row creates them, and the registration's id. */
  personId: string;
  registrationId: string;
  /** The new person's first revisit due date (tier stable, never visited). */
  dueIfNew: string;
}

/** Counts data rows of CSV text (lines after the header, blank ones not counted): the progress total of a file read as a stream. */
export function countCsvRows(text: string): number {
  let n = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? undefined : nl);
    if (line.trim()) n++;
    if (nl < 0) break;
    start = nl + 1;
  }
  return Math.max(0, n - 1);
}

/** The data rows of a CSV file, counted as a stream (newlines after the header): the progress total before parsing. */
export async function countFileRows(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const buf of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lines++;
    last = buf[buf.length - 1] ?? last;
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - 1);
}

/**
 * Imports residence registrations from a contractor's CSV (header: IMPORT_COLUMNS), given as text
 * or as a stream (a file: memory stays bounded by the chunk size). Every bad row is reported (line
 * number, column, code); the good rows commit in chunks, each chunk its own transaction. A row whose
 * registration is already on file (same person, dwelling and date) is a duplicate: rerunning a file
 * adds nothing. Unknown persons are created from the row.
 */
export async function importRegistrations(ctx: Ctx, input: string | Readable | AsyncIterable<string | Buffer>, opts: ImportOptions = {}): Promise<ImportResult> {
  requireActor(ctx);
  if (typeof input === 'string') checkImportText(input, opts.maxBytes);
  const size = Math.max(1, opts.batchSize ?? DEFAULT_IMPORT_BATCH);
  const day = today(ctx);
  const result: ImportResult = { rows: 0, imported: 0, duplicates: 0, personsCreated: 0, batches: 0, errors: [] };
  let headerError: Error | null = null;
  // Rows refused by the row checks (kept apart from the chunks' verdicts, which commit later).
  const rowErrors: RowError[] = [];
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    info: true,
    columns: (header: string[]) => {
      const missing = REQUIRED_IMPORT_COLUMNS.filter((c) => !header.includes(c));
      if (missing.length) {
        headerError = PopulationErrors.error('CSV_HEADER_MISSING', `Missing columns: ${missing.join(', ')}.`, { field: 'csv', details: { missing, expected: IMPORT_COLUMNS } });
        throw headerError;
      }
      return header;
    },
  });
  const source = typeof input === 'string' ? Readable.from([input]) : Readable.from(input);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);

  // Rows parsed but not yet committed: the chunks being written and the one being gathered.
  let undecided = 0;
  const progress = () => opts.onProgress?.(result.rows - undecided, Math.max(opts.totalHint ?? 0, result.rows));
  let pending: StagedRow[] = [];
  // The ids of the chunk being gathered: numbered under one random prefix, so that a chunk's new
  // persons and registrations sit side by side in their indexes (see batchIds).
  let nextId = batchIds();
  // Row errors already handed to a chunk (its result so far, which its transaction records).
  let handedErrors = 0;
  // The chunk written last and the one before it: on a server two chunks are in flight (see
  // ChunkTurn); on PGlite (one connection) one, as each chunk's transaction holds it.
  const overlap = ctx.platform.database.kind === 'postgres';
  let last: ChunkTurn | null = null;
  let beforeLast: ChunkTurn | null = null;
  let writeFailed: { error: unknown } | null = null;
  const settled = (t: ChunkTurn | null) => t?.done.then(noop, noop);
  const flush = async () => {
    await settled(overlap ? beforeLast : last);
    if (writeFailed) throw writeFailed.error;
    if (!pending.length) return;
    const chunk = pending;
    pending = [];
    nextId = batchIds();
    const read = { rows: result.rows, rowErrors: rowErrors.slice(handedErrors) };
    handedErrors = rowErrors.length;
    const turn = writeChunk(ctx, chunk, read, last, opts.onChunk);
    [beforeLast, last] = [last, turn];
    // Chunks commit in file order (each waits for the one before it), so these run in order.
    turn.done.then(
      ({ next, errors }) => {
        undecided -= chunk.length;
        result.imported = next.imported;
        result.duplicates = next.duplicates;
        result.personsCreated = next.personsCreated;
        result.batches = next.batches;
        result.errors.push(...errors);
        ctx.platform.outbox?.kick();
        progress();
      },
      (e) => void (writeFailed ??= { error: e }),
    );
  };
  opts.onProgress?.(0, opts.totalHint ?? 0);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      result.rows++;
      undecided++;
      const r = parseImportRow(record, info.lines, day);
      if (!r.value) {
        undecided--;
        rowErrors.push(...r.errors);
        continue;
      }
      pending.push(stagedRow(info.lines, r.value, nextId));
      if (pending.length >= size) await flush();
    }
  } catch (e) {
    if (headerError) throw headerError;
    // csv-parse's own errors carry CSV_… codes; anything else (the database) is not the file's fault.
    if (String((e as { code?: unknown }).code ?? '').startsWith('CSV_')) throw malformed(e as Error);
    throw e;
  } finally {
    // A failure of the file never leaves a chunk's transaction running behind it.
    await settled(beforeLast);
    await settled(last);
  }
  await flush();
  await settled(beforeLast);
  await settled(last);
  if (writeFailed) throw (writeFailed as { error: unknown }).error;
  result.errors.push(...rowErrors);
  if (result.batches === 0) progress();
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

/**
 * What refuses CSV text before anything is written: its size, its syntax (a malformed record
 * anywhere, as the one-shot parse did) and its header. A stream is checked as it is read instead
 * (the chunks committed before a malformed record stay; a rerun skips them).
 */
export function checkImportText(text: string, maxBytes = 2_000_000): void {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw PopulationErrors.error('CSV_TOO_LARGE', `The CSV text is larger than ${maxBytes} bytes; use the CLI for bigger files.`, { field: 'csv' });
  let header: string[] = [];
  try {
    parseSync(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      on_record: (r: string[], ctx: { lines: number }) => (ctx.lines <= 1 || header.length === 0 ? ((header = header.length ? header : r), null) : null),
    });
  } catch (e) {
    throw malformed(e as Error);
  }
  const missing = REQUIRED_IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw PopulationErrors.error('CSV_HEADER_MISSING', `Missing columns: ${missing.join(', ')}.`, { field: 'csv', details: { missing, expected: IMPORT_COLUMNS } });
}

const malformed = (e: Error) => PopulationErrors.error('CSV_MALFORMED', `The CSV text cannot be parsed: ${e.message}`.slice(0, 300), { field: 'csv' });

/** A row's stored forms; `nextId` draws its person's and registration's ids (its chunk's batchIds). */
function stagedRow(row: number, value: ImportRow, nextId: () => string): StagedRow {
  const id = protectResidentIdForBulk(value.idNumber);
  const phone = protectPhone(value.phone);
  return {
    row,
    value,
    idHash: id.idNumberHash,
    idHashPrevious: id.idNumberHashPrevious,
    idMasked: id.idNumberMasked,
    idCipher: id.idNumberCipher,
    phoneMasked: phone.phoneMasked,
    phoneCipher: phone.phoneCipher,
    personId: nextId(),
    registrationId: nextId(),
    dueIfNew: tenantRevisitDue({ lastVisitedOn: null, registeredOn: value.registeredOn, tier: 'stable' }),
  };
}

/** The staging table's columns, in COPY order. */
const STAGE_COLUMNS = [
  ['row_no', 'int'],
  ['name', 'text'],
  ['id_hash', 'text'],
  ['id_hash_prev', 'text'],
  ['id_masked', 'text'],
  ['id_cipher', 'text'],
  ['birth_date', 'text'],
  ['gender', 'text'],
  ['kind', 'text'],
  ['inflow_reason', 'text'],
  ['inflow_date', 'text'],
  ['hukou', 'text'],
  ['phone_masked', 'text'],
  ['phone_cipher', 'text'],
  ['address', 'text'],
  ['registered_on', 'text'],
  ['person_id', 'uuid'],
  ['reg_id', 'uuid'],
  ['due_if_new', 'text'],
] as const;

const stageValues = (r: StagedRow): (string | number | null)[] => [
  r.row,
  r.value.name,
  r.idHash,
  r.idHashPrevious,
  r.idMasked,
  r.idCipher,
  r.value.birthDate,
  r.value.gender,
  r.value.kind,
  r.value.inflowReason,
  r.value.inflowDate,
  r.value.hukouPlaceCode,
  r.phoneMasked,
  r.phoneCipher,
  r.value.dwellingAddress,
  r.value.registeredOn,
  r.personId,
  r.registrationId,
  r.dueIfNew,
];

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
const COPY_ESCAPED = /[\\\t\n\r]/;
const copyCell = (v: string | number | null) =>
  v === null ? '\\N' : typeof v === 'number' || !COPY_ESCAPED.test(v) ? String(v) : v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
export const copyText = (rows: readonly (readonly (string | number | null)[])[]) => rows.map((r) => `${r.map(copyCell).join('\t')}\n`).join('');

/**
 * Loads the chunk into the transaction's staging table: COPY where the driver gives us the
 * transaction's connection (postgres.js: FROM STDIN; PGlite: FROM '/dev/blob'), one
 * jsonb_to_recordset INSERT otherwise. Everything above this step is the same on both.
 */
async function stage(tx: TxCtx, rows: StagedRow[]): Promise<void> {
  const cols = STAGE_COLUMNS.map(([c]) => c).join(', ');
  await tx.db.execute(sql.raw(`create temp table if not exists import_stage (${STAGE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}) on commit drop`));
  const client = (tx.db as unknown as { session?: { client?: unknown } }).session?.client as
    | { unsafe?: (q: string) => { writable(): Promise<Writable> }; query?: (q: string, p: unknown[], o: { blob: Blob }) => Promise<unknown> }
    | undefined;
  const text = copyText(rows.map(stageValues));
  if (tx.platform.database.kind === 'postgres' && typeof client?.unsafe === 'function') {
    const writable = await client.unsafe(`copy import_stage (${cols}) from stdin`).writable();
    await pipeline(Readable.from([Buffer.from(text, 'utf8')]), writable);
    return;
  }
  if (tx.platform.database.kind === 'pglite' && typeof client?.query === 'function') {
    await client.query(`copy import_stage (${cols}) from '/dev/blob'`, [], { blob: new Blob([text]) });
    return;
  }
  const records = rows.map((r) => Object.fromEntries(STAGE_COLUMNS.map(([c], i) => [c, stageValues(r)[i]])));
  await tx.db.execute(
    sql`insert into import_stage (${sql.raw(cols)}) select ${sql.raw(cols)} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${sql.raw(STAGE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', '))})`,
  );
}

/**
 * The verdict of each staged row, in SQL: the same checks, in the same order, as registering one
 * by one. `inFlight`: tenants of the chunk before, per dwelling address, not committed yet.
 */
function verdictSql(tx: TxCtx, inFlight: ReadonlyMap<string, number>): SQL {
  const dwellingInScope = inScope(tx, sql.raw('d.jurisdiction_code'));
  const personInScope = withinSql(sql.raw('p.jurisdiction_code'), scopeOf(tx));
  // import_key = sha256(idHash|dwellingId|registeredOn), as importKeyOf; under either accepted key.
  const key = (hash: string) => sql.raw(`encode(sha256(convert_to(${hash} || '|' || d.id::text || '|' || s.registered_on, 'UTF8')), 'hex')`);
  return sql`
    create temp table import_verdict on commit drop as
    with base as materialized (
      -- The row's own columns the verdict needs (the rest stays staged: the window sorts and the
      -- verdict table carry less).
      select s.row_no, s.id_hash, s.inflow_date, s.registered_on, s.address, s.person_id, s.reg_id,
             d.id as dwelling_id, d.jurisdiction_code as dwelling_jur, d.capacity,
             p.id as p_id, p.inflow_date::text as p_inflow, p.last_visited_on::text as p_last_visited, p.tier as p_tier,
             (p.id is not null and ${personInScope}) as p_in_scope,
             k.import_key,
             -- Counted with a filter so that the person's (or dwelling's) own index is used whatever
             -- the statistics say about open registrations.
             (p.id is not null and (select count(*) filter (where r.ended_on is null) from residence_registrations r where r.person_id = p.id) > 0) as p_active,
             exists (select 1 from residence_registrations r
                      where d.id is not null and r.import_key in (k.import_key, k.import_key_previous)) as on_file
        from import_stage s
        -- One index probe per row (the address is unique): a hash join would read every dwelling.
        left join lateral (select d.* from dwellings d where d.address = s.address and ${dwellingInScope} limit 1) d on true
        left join lateral (select p.* from persons p where p.id_number_hash in (s.id_hash, s.id_hash_prev)
                            order by p.id_number_hash = s.id_hash desc limit 1) p on true
        -- Each key hashed once.
        cross join lateral (select ${key('s.id_hash')} as import_key, case when s.id_hash_prev is not null then ${key('s.id_hash_prev')} end as import_key_previous) k
    ),
    checked as (
      select b.*,
             case when b.dwelling_id is null then 'DWELLING_UNKNOWN'
                  when b.on_file then 'DUPLICATE'
                  when b.p_id is not null and not b.p_in_scope then 'PERSON_EXISTS'
                  when b.p_id is not null and b.p_inflow is not null and b.registered_on < b.p_inflow then 'REGISTRATION_BEFORE_INFLOW'
                  when b.p_id is not null and b.p_active then 'ALREADY_REGISTERED'
             end as refused
        from base b
    ),
    -- The first row of a person that passes the checks is registered; later rows of the same
    -- person meet that registration: the same one again is a duplicate, another is refused.
    -- (Window functions, not a self-join: a join of two CTEs has no statistics to plan by.)
    firsts as (
      select c.*,
             first_value(case when c.refused is null then c.row_no end) over w as first_row,
             first_value(case when c.refused is null then c.import_key end) over w as first_key,
             first_value(case when c.refused is null then c.inflow_date end) over w as first_inflow
        from checked c
      window w as (partition by c.id_hash order by c.refused is not null, c.row_no)
    ),
    decided as (
      select c.*,
             case when c.refused is not null then c.refused
                  when c.first_row = c.row_no then 'ACCEPTED'
                  when c.import_key = c.first_key then 'DUPLICATE'
                  when c.p_id is null and c.first_inflow is not null and c.registered_on < c.first_inflow then 'REGISTRATION_BEFORE_INFLOW'
                  else 'ALREADY_REGISTERED'
             end as verdict
        from firsts c
    ),
    -- Open registrations of each dwelling registered into, counted once per dwelling.
    tenants as (
      select x.dwelling_id, t.tenants
        from (select distinct dwelling_id from decided where verdict = 'ACCEPTED') x
        cross join lateral (select count(*) filter (where r.ended_on is null) as tenants from residence_registrations r where r.dwelling_id = x.dwelling_id) t
    )
    select d.*, coalesce(d.p_id, d.person_id) as final_person_id,
           case when d.verdict = 'ACCEPTED' then
             t.tenants + coalesce(f.tenants, 0) + row_number() over (partition by d.dwelling_id, d.verdict = 'ACCEPTED' order by d.row_no) > d.capacity
           end as over_capacity
      from decided d
      left join tenants t on t.dwelling_id = d.dwelling_id
      left join (select key as address, value::int as tenants from jsonb_each_text(${JSON.stringify(Object.fromEntries(inFlight))}::jsonb)) f on f.address = d.address`;
}

const COLUMN_OF: Record<string, string> = {
  DWELLING_UNKNOWN: 'dwellingAddress',
  PERSON_EXISTS: 'idNumber',
  REGISTRATION_BEFORE_INFLOW: 'registeredOn',
  ALREADY_REGISTERED: 'idNumber',
};

type EventPayload = { registrationId: string; personId: string; dwellingId: string; jurisdictionCode: string; date: string };

/** The rows this chunk wrote (v, r): accepted, and on the register under this chunk's ids (a concurrent import's win is not ours). */
const WRITTEN = sql.raw(`import_verdict v join residence_registrations r on r.id = v.reg_id and v.verdict = 'ACCEPTED'`);

/**
 * The chunk's audit entries (appendAuditRows' source): for each written row, the person it created
 * (if any) and then its registration, as `after` the stored rows, in file order. Two entries, not
 * one: the audit log is read by entity (entity type and id), and a person's history starts with
 * its creation. Identity numbers appear only masked (the stored secrets are left out).
 */
function importAuditSource(): SQL {
  const person = auditObjectSql([
    ['id', sql`p.id::text`],
    ['name', sql`p.name`],
    ['idNumberMasked', sql`p.id_number_masked`],
    ['birthDate', sql`p.birth_date::text`],
    ['gender', sql`p.gender`],
    ['kind', sql`p.kind`],
    ['inflowReason', sql`p.inflow_reason`],
    ['inflowDate', sql`p.inflow_date::text`],
    ['hukouPlaceCode', sql`p.hukou_place_code`],
    ['phoneMasked', sql`p.phone_masked`],
    ['tier', sql`p.tier`],
    ['jurisdictionCode', sql`p.jurisdiction_code`],
    ['lastVisitedOn', sql`p.last_visited_on::text`],
    ['revisitDueOn', sql`p.revisit_due_on::text`],
    ['version', sql`p.version`],
  ]);
  const registration = auditObjectSql([
    ['id', sql`r.id::text`],
    ['personId', sql`r.person_id::text`],
    ['dwellingId', sql`r.dwelling_id::text`],
    ['jurisdictionCode', sql`r.jurisdiction_code`],
    ['registeredOn', sql`r.registered_on::text`],
    ['overCapacity', sql`r.over_capacity`],
    ['previousRegistrationId', sql`r.previous_registration_id::text`],
    ['endedOn', sql`r.ended_on::text`],
    ['endKind', sql`r.end_kind`],
    ['endReason', sql`r.end_reason`],
    ['source', sql`r.source`],
    ['importKey', sql`r.import_key`],
    ['createdBy', sql`r.created_by`],
    ['createdAt', sql`to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`],
  ]);
  return sql`
    select v.row_no * 2 as ord, 'Person' as entity_type, p.id::text as entity_id, p.jurisdiction_code, ${person.json} as after, ${person.canonical} as after_canonical
      from ${WRITTEN} and v.p_id is null
      join persons p on p.id = v.person_id
    union all
    select v.row_no * 2 + 1, 'ResidenceRegistration', r.id::text, r.jurisdiction_code, ${registration.json}, ${registration.canonical}
      from ${WRITTEN}`;
}

/** The residenceRegistered events of the chunk's written rows (appendOutboxRows' source), in file order. */
function registeredEventsSource(): SQL {
  return sql`
    select v.row_no as ord, r.jurisdiction_code,
           jsonb_build_object('registrationId', r.id, 'personId', r.person_id, 'dwellingId', r.dwelling_id, 'jurisdictionCode', r.jurisdiction_code, 'date', r.registered_on::text) as payload
      from ${WRITTEN}`;
}

/** A promise with its settling functions outside it (Promise.withResolvers, which Node 20 lacks). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(noop);
  return { promise, resolve, reject };
}
const noop = () => {};

/**
 * A chunk being written, as the chunk after it sees it. On a server two chunks are in flight: the
 * next one stages, decides and inserts its rows while this one appends its audit entries and
 * commits (a chunk's work in PostgreSQL runs on one backend, so one core, while the import's own
 * CPU work is small beside it). The next one still gives the verdicts and writes it would give
 * after this one's commit:
 * - it decides only once this one has decided, and counts this one's accepted rows into its
 *   dwellings' tenants (they are not committed yet, so its own count cannot see them);
 * - a person named in both chunks (either id hash) makes it wait for this one's commit first;
 * - it asks for its audit chains' locks only once this one holds its own (held to COMMIT, so the
 *   entries and events of a chain stay in file order, and the next one, which waits for this
 *   one's commit holding its locks, never holds one this one still needs);
 * - it commits only after this one committed, and not at all when this one failed.
 */
interface ChunkTurn {
  /** The id hashes (under either key) of the chunk's rows. */
  idHashes: Set<string>;
  /** Once its verdict is known: its accepted rows per dwelling address. */
  decided: Promise<Map<string, number>>;
  /** Once it holds its audit chains' locks (or knows it takes none). */
  locked: Promise<void>;
  /** Its result so far (every row read up to its last) once committed, with its own row errors. */
  done: Promise<{ next: ImportResult; errors: RowError[] }>;
}

const EMPTY_RESULT: ImportResult = { rows: 0, imported: 0, duplicates: 0, personsCreated: 0, batches: 0, errors: [] };

/** Whether two chunks name a person in common: the later one must then see the earlier one committed. */
function sharesPerson(chunk: readonly StagedRow[], before: ChunkTurn): boolean {
  return chunk.some((r) => before.idHashes.has(r.idHash) || (r.idHashPrevious !== null && before.idHashes.has(r.idHashPrevious)));
}

/** The accepted rows of a chunk per dwelling address (its tenants-to-be, for the next chunk's capacity count). */
function acceptedPerAddress(chunk: readonly StagedRow[], notAccepted: ReadonlySet<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of chunk) if (!notAccepted.has(r.row)) out.set(r.value.dwellingAddress, (out.get(r.value.dwellingAddress) ?? 0) + 1);
  return out;
}

/** An earlier chunk failed: this one, written after it, rolls back (a rerun writes both). */
async function afterCommitOf(before: ChunkTurn | null): Promise<ImportResult> {
  if (!before) return EMPTY_RESULT;
  try {
    return (await before.done).next;
  } catch {
    throw new Error('registration import: an earlier chunk failed; this one is rolled back with it');
  }
}

function writeChunk(ctx: Ctx, chunk: StagedRow[], read: { rows: number; rowErrors: RowError[] }, before: ChunkTurn | null, onChunk: ImportOptions['onChunk']): ChunkTurn {
  const decided = deferred<Map<string, number>>();
  const locked = deferred<void>();
  const idHashes = new Set(chunk.flatMap((r) => (r.idHashPrevious ? [r.idHash, r.idHashPrevious] : [r.idHash])));
  const done = runMutation(ctx, { operation: 'importRegistrations' }, async (tx) => {
    const actor = requireActor(tx);
    // A chunk's plan is big enough to trigger JIT compilation, which costs more than it saves here.
    // Its lookups are index probes, row by row, into indexes the chunk before has just read: at the
    // default random_page_cost (4, for disks that seek) the planner prefers reading whole tables,
    // e.g. every person in the rate-fact trigger of the registrations insert (0.2 s a chunk with
    // 600k persons, growing with the register) instead of 10k probes (0.04 s).
    await tx.db.execute(sql`select set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)`);
    await stage(tx, chunk);
    // Tenants of the chunk before, not committed yet (none once it has committed).
    let inFlight = new Map<string, number>();
    if (before && sharesPerson(chunk, before)) await afterCommitOf(before);
    else if (before) {
      const addresses = new Set(chunk.map((r) => r.value.dwellingAddress));
      inFlight = new Map([...(await before.decided)].filter(([a]) => addresses.has(a)));
    }
    await tx.db.execute(verdictSql(tx, inFlight));
    const verdicts = rowsOf<{ row_no: number; verdict: string; p_id: string | null; p_last_visited: string | null; p_tier: string | null; registered_on: string }>(
      await tx.db.execute(sql.raw(`select row_no, verdict, p_id, p_last_visited, p_tier, registered_on from import_verdict where verdict <> 'ACCEPTED' or p_id is not null order by row_no`)),
    );
    decided.resolve(acceptedPerAddress(chunk, new Set(verdicts.filter((v) => v.verdict !== 'ACCEPTED').map((v) => Number(v.row_no)))));
    const errors: RowError[] = [];
    let duplicates = 0;
    const dues: { id: string; due: string }[] = [];
    for (const v of verdicts) {
      if (v.verdict === 'DUPLICATE') duplicates++;
      else if (v.verdict === 'ACCEPTED') dues.push({ id: v.p_id!, due: tenantRevisitDue({ lastVisitedOn: v.p_last_visited, registeredOn: v.registered_on, tier: v.p_tier as TenantTier }) });
      else {
        const key = v.verdict as keyof typeof COLUMN_OF & Parameters<typeof PopulationErrors.code>[0];
        errors.push({ row: Number(v.row_no), column: COLUMN_OF[key] ?? null, code: PopulationErrors.code(key), message: PopulationErrors.codes[key] });
      }
    }
    const created = rowsOf<{ id: string }>(
      await tx.db.execute(sql`
        insert into persons (id, name, id_number_hash, id_number_masked, id_number_cipher, birth_date, gender, kind, inflow_reason, inflow_date,
                             hukou_place_code, phone, phone_masked, phone_cipher, tier, jurisdiction_code, last_visited_on, revisit_due_on)
        select s.person_id, s.name, s.id_hash, s.id_masked, s.id_cipher, s.birth_date::date, s.gender, s.kind, s.inflow_reason, s.inflow_date::date,
               s.hukou, null, s.phone_masked, s.phone_cipher, 'stable', v.dwelling_jur, null, s.due_if_new::date
          from import_verdict v join import_stage s on s.row_no = v.row_no
         where v.verdict = 'ACCEPTED' and v.p_id is null order by v.row_no
        on conflict do nothing
        returning id`),
    );
    const newPersons = chunk.length - errors.length - duplicates - dues.length;
    // A concurrent import put one of these persons on the register first (its number's unique
    // index refused ours): that row is its, not ours; count it as a duplicate.
    if (created.length < newPersons) {
      await tx.db.execute(sql`
        update import_verdict set verdict = 'DUPLICATE'
         where verdict = 'ACCEPTED' and p_id is null and not (person_id = any(${sql.param(created.map((p) => p.id))}::uuid[]))`);
    }
    if (created.length)
      await tx.db.execute(sql`
        insert into person_tier_history (id, person_id, tier, set_by, set_at, reason, jurisdiction_code)
        select ${batchIdSql(sql`row_number() over (order by v.row_no) - 1`)}, v.person_id, 'stable', ${actor.id}, ${tx.now().toISOString()}::timestamptz, 'initial (import)', v.dwelling_jur
          from import_verdict v
         where v.verdict = 'ACCEPTED' and v.p_id is null`);
    if (dues.length)
      await tx.db.execute(sql`
        update persons set jurisdiction_code = v.dwelling_jur, revisit_due_on = d.due::date
          from import_verdict v join jsonb_to_recordset(${JSON.stringify(dues)}::jsonb) as d(id uuid, due text) on d.id = v.p_id
         where v.verdict = 'ACCEPTED' and persons.id = v.p_id`);
    const inserted = rowsOf<{ n: number }>(
      await tx.db.execute(sql`
        with r as (insert into residence_registrations (id, person_id, dwelling_id, jurisdiction_code, registered_on, over_capacity, source, import_key, created_by)
                   select reg_id, final_person_id, dwelling_id, dwelling_jur, registered_on::date, over_capacity, 'import', import_key, ${actor.id}
                     from import_verdict where verdict = 'ACCEPTED' order by row_no
                   on conflict do nothing
                   returning id)
        select count(*)::int as n from r`),
    )[0]!;
    // The audit entries and events of the written rows, built and hashed in the database from the
    // rows as stored (no round trip of 2 entries a row through the application).
    // Every written row (and person) is in its dwelling's jurisdiction.
    const codes = rowsOf<{ code: string }>(await tx.db.execute(sql.raw(`select distinct dwelling_jur as code from import_verdict where verdict = 'ACCEPTED'`))).map((c) => c.code);
    await before?.locked;
    await appendAuditRows(tx.db, { id: actor.id, roles: [...actor.roles] }, ctx.requestId, 'importRegistrations', importAuditSource(), codes);
    if (ctx.platform.subscribers.get('residenceRegistered')?.length) {
      // A subscriber runs in this transaction for each event: the events go one by one.
      const events = rowsOf<{ payload: EventPayload }>(await tx.db.execute(sql`select payload from (${registeredEventsSource()}) s order by ord`));
      for (const e of events) await tx.emit('residenceRegistered', e.payload);
    } else await appendOutboxRows(tx.db, ctx.requestId, 'residenceRegistered', registeredEventsSource(), codes);
    locked.resolve();
    // A concurrent import of the same rows won the race for a key: those rows are its duplicates.
    const accepted = chunk.length - errors.length - duplicates;
    duplicates += accepted - inserted.n;
    if (inserted.n === 0 && created.length === 0) tx.audit({ entityType: 'RegistrationImport', entityId: ctx.requestId, after: { rows: chunk.length, duplicates, errors: errors.length } });
    // The totals change only once the chunk commits (runMutation returns), after the one before.
    const total = await afterCommitOf(before);
    const next: ImportResult = {
      rows: read.rows,
      imported: total.imported + inserted.n,
      duplicates: total.duplicates + duplicates,
      personsCreated: total.personsCreated + created.length,
      batches: total.batches + 1,
      errors: [...total.errors, ...read.rowErrors, ...errors],
    };
    await onChunk?.(tx, next, errors);
    return { next, errors };
  });
  // A chunk that fails before deciding or locking lets the next one go on to fail with it.
  done.catch((e) => {
    decided.reject(e);
    locked.resolve();
  });
  return { idHashes, decided: decided.promise, locked: locked.promise, done };
}

import { plannedOr, z, type Builder, requiredText } from '@safecity/core';
import { personLoader, dwellingLoader, registrationLoader } from '../service/common.js';
import { importRegistrationsCsv, exportRegistrationsCsv, type ImportResult } from '../service/csv.js';
import { registrationImportJob, startRegistrationImport, type RegistrationImportJob } from '../service/import-jobs.js';
import type { IMPORT_STATES } from '../rules.js';
import { changeResidence, deregisterResidence, registerResidence } from '../service/registrations.js';
import { orNull, write, type PopulationTypes } from './refs.js';

/** The CSV accepted by the mutation; bigger files go through the CLI (population:import). */
export const MAX_IMPORT_BYTES = 2_000_000;

/** Residence registrations (居住登记): new, change, deregistration, CSV import and export. */
export function registerRegistrationSchema(builder: Builder, T: PopulationTypes) {
  const { Person, Dwelling, Registration } = T;
  const RegistrationEnd = builder.enumType('RegistrationEnd', {
    description: 'changed 变更 (another dwelling, same jurisdiction), deregistered 注销, moved_out 迁出 (an arrival was registered in another jurisdiction).',
    values: {
      changed: { value: 'changed', description: 'Change (变更): replaced by a registration at another dwelling of the same jurisdiction.' },
      deregistered: { value: 'deregistered', description: 'Deregistration (注销): the person moved away or left the register.' },
      moved_out: { value: 'moved_out', description: 'Moved out (迁出): an arrival was registered in another jurisdiction.' },
    } as const,
  });

  Registration.implement({
    description: 'A residence registration (居住登记): a person living at a dwelling from a date.',
    fields: (t) => ({
      person: t.field({
        type: Person,
        nullable: true,
        description: 'Null if the person now lives outside your jurisdiction.',
        resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))),
      }),
      dwelling: t.field({
        type: Dwelling,
        nullable: true,
        description: 'The dwelling lived at; null if it lies outside your jurisdiction.',
        resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)),
      }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "The dwelling's jurisdiction when registered.", resolve: (r) => r.jurisdictionCode }),
      registeredOn: t.field({ type: 'Date', description: 'Day the person started living there.', resolve: (r) => r.registeredOn }),
      active: t.boolean({ description: 'True while the registration has not ended (endedOn is null).', resolve: (r) => !r.endedOn }),
      overCapacity: t.exposeBoolean('overCapacity', { description: 'Accepted although the dwelling was at capacity (flag, not refusal).' }),
      previousRegistration: t.field({
        type: Registration,
        nullable: true,
        description: 'For a change (变更): the registration it replaced.',
        resolve: (r, _a, ctx) => (r.previousRegistrationId ? orNull(registrationLoader(ctx).load(r.previousRegistrationId)) : null),
      }),
      endedOn: t.field({ type: 'Date', nullable: true, description: 'Day it ended; null while active.', resolve: (r) => r.endedOn }),
      endKind: t.field({ type: RegistrationEnd, nullable: true, description: 'How it ended (变更 / 注销 / 迁出); null while active.', resolve: (r) => r.endKind }),
      endReason: t.exposeString('endReason', { nullable: true, description: 'The reason given when it ended; null while active.' }),
      source: t.exposeString('source', { description: 'How it was written: api, import (CSV), arrival (registerArrival) or seed.' }),
      createdBy: t.exposeString('createdBy', { description: 'Subject id of who wrote it.' }),
    }),
  });

  const RegistrationsExport = builder.objectRef<{ csv: string; rows: number; truncated: boolean }>('RegistrationsExport').implement({
    description: 'A CSV export of residence registrations.',
    fields: (t) => ({
      csv: t.exposeString('csv', { description: 'The CSV text: a header line (registrationId,name,idNumber,…,overCapacity), then one line per registration; identity numbers masked.' }),
      rows: t.exposeInt('rows', { description: 'Registrations in the CSV (header not counted).' }),
      truncated: t.exposeBoolean('truncated', { description: 'True when more registrations matched than the export holds (100,000).' }),
    }),
  });

  const RowErrorRef = builder.objectRef<ImportResult['errors'][number]>('ImportRowError').implement({
    description: 'A CSV row refused by an import (nothing of that row was written).',
    fields: (t) => ({
      row: t.exposeInt('row', { description: 'Line number in the file (the header is line 1).' }),
      column: t.exposeString('column', { nullable: true, description: 'The column at fault; null when the row as a whole is.' }),
      code: t.exposeString('code', { description: 'An ErrorCode value (e.g. POPULATION_CSV_VALUE_INVALID, POPULATION_DWELLING_UNKNOWN).' }),
      message: t.exposeString('message', { description: 'A sentence for people (English).' }),
    }),
  });
  const ImportResultRef = builder.objectRef<ImportResult>('RegistrationImport').implement({
    description: 'The outcome of a CSV import of residence registrations.',
    fields: (t) => ({
      rows: t.exposeInt('rows', { description: 'Data rows in the file (header not counted).' }),
      imported: t.exposeInt('imported', { description: 'Registrations written.' }),
      duplicates: t.exposeInt('duplicates', { description: 'Rows already on file from an earlier import (nothing written).' }),
      personsCreated: t.exposeInt('personsCreated', { description: 'Persons put on the register because their identity number was not on file.' }),
      batches: t.exposeInt('batches', { description: 'Transactions the good rows were committed in (chunks of up to 10,000 rows).' }),
      errors: t.field({ type: [RowErrorRef], description: 'The refused rows, in file order.', resolve: (r) => r.errors }),
    }),
  });

  const ImportState = builder.enumType('RegistrationImportState', {
    description: 'Where an import started through the API stands.',
    values: {
      running: { value: 'running', description: 'Rows are being imported; the counters move with each committed chunk.' },
      finished: { value: 'finished', description: 'Every row was decided: imported, duplicate or refused (see errors).' },
      failed: { value: 'failed', description: 'Stopped by an unexpected error (see failure); the chunks committed before it stay, and a rerun of the file skips them.' },
    } satisfies Record<(typeof IMPORT_STATES)[number], unknown>,
  });
  const ImportJobRef = builder.objectRef<RegistrationImportJob>('RegistrationImportJob').implement({
    description: 'An import of residence registrations started with startRegistrationImport, readable while it runs by whoever may see its jurisdiction.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'The import id, for registrationImport(id:).' }),
      state: t.field({ type: ImportState, description: 'Running, finished or failed.', resolve: (j) => j.state }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction of whoever started it; the import writes only inside it.', resolve: (j) => j.jurisdictionCode }),
      startedBy: t.exposeString('startedBy', { description: 'Subject id of who started it.' }),
      rowsTotal: t.exposeInt('rowsTotal', { description: 'Data rows in the file (header not counted).' }),
      rowsDone: t.exposeInt('rowsDone', { description: 'Rows decided so far (written, duplicate or refused), counted as each chunk commits.' }),
      imported: t.exposeInt('imported', { description: 'Registrations written so far.' }),
      duplicates: t.exposeInt('duplicates', { description: 'Rows found already on file so far (nothing written).' }),
      personsCreated: t.exposeInt('personsCreated', { description: 'Persons put on the register so far.' }),
      errors: t.field({ type: [RowErrorRef], description: 'The rows refused so far, in file order.', resolve: (j) => j.errors }),
      failure: t.exposeString('failure', { nullable: true, description: 'Why a failed import stopped; null otherwise.' }),
      startedAt: t.field({ type: 'DateTime', description: 'When it was started.', resolve: (j) => j.startedAt }),
      finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it finished or failed; null while running.', resolve: (j) => j.finishedAt }),
    }),
  });

  builder.queryFields((t) => ({
    registrationImport: t.field({
      type: ImportJobRef,
      authScopes: { permission: 'population:read' },
      description: 'An import started with startRegistrationImport, with its progress so far; one outside your jurisdiction is CORE_NOT_FOUND.',
      args: { id: t.arg.id({ required: true, description: 'The id startRegistrationImport returned.' }) },
      resolve: (_r, { id }, ctx) => registrationImportJob(ctx, String(id)),
    }),
    registrationsCsv: t.field({
      type: RegistrationsExport,
      authScopes: { permission: 'population:export' },
      description: 'A jurisdiction’s registrations as CSV (identity numbers masked); the export is audited.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The division (in your subtree) whose registrations are exported.' }),
        activeOnly: t.arg.boolean({ description: 'True: only registrations that have not ended.' }),
      },
      resolve: (_r, args, ctx) => exportRegistrationsCsv(ctx, args),
    }),
  }));

  builder.mutationFields((t) => ({
    registerResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'New registration (新办登记). The date may be neither in the future nor before the inflow date; one active registration per person; above capacity it is accepted and flagged. Errors: POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_REGISTRATION_BEFORE_INFLOW, POPULATION_ALREADY_REGISTERED, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person, description: 'The person (without an active registration).' }),
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling they live at.' }),
        registeredOn: t.arg({ type: 'Date', required: true, description: 'Day they started living there: not in the future, not before the inflow date.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, personId, dwellingId, registeredOn }, ctx) => registerResidence(ctx, { personId: personId.id, dwellingId: dwellingId.id, registeredOn }, idempotencyKey),
    }),
    changeResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'Change (变更): moves the person to another dwelling; the old registration ends as changed on changedOn; returns the new registration. Errors: POPULATION_REGISTRATION_ENDED, POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_END_BEFORE_START, POPULATION_SAME_DWELLING, POPULATION_ALREADY_REGISTERED, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration, description: 'The active registration being changed.' }),
        toDwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling the person moves to (not the current one).' }),
        changedOn: t.arg({ type: 'Date', required: true, description: 'Day of the move: not in the future, not before the old registration began.' }),
        reason: t.arg.string({ required: true, description: "Why (at most 200 characters); kept as the old registration's endReason.", validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, toDwellingId, ...input }, ctx) =>
        changeResidence(ctx, { ...input, registrationId: registrationId.id, toDwellingId: toDwellingId.id }, idempotencyKey),
    }),
    deregisterResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'Deregistration (注销) with reason and date: the registration ends as deregistered. Errors: POPULATION_REGISTRATION_ENDED, POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_END_BEFORE_START, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration, description: 'The active registration to end.' }),
        deregisteredOn: t.arg({ type: 'Date', required: true, description: 'Day it ends: not in the future, not before it began.' }),
        reason: t.arg.string({ required: true, description: 'Why (at most 200 characters); kept as endReason.', validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, ...input }, ctx) => deregisterResidence(ctx, { ...input, registrationId: registrationId.id }, idempotencyKey),
    }),
    importRegistrations: t.field({
      type: ImportResultRef,
      authScopes: write,
      errors: {},
      description: `Imports registrations from CSV text (at most ${MAX_IMPORT_BYTES} bytes; header: name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn). Bad rows are reported, good rows commit in chunks, a rerun adds nothing. Errors: POPULATION_CSV_TOO_LARGE, POPULATION_CSV_MALFORMED, POPULATION_CSV_HEADER_MISSING.`,
      args: { csv: t.arg.string({ required: true, description: 'The CSV text (UTF-8, first line the header).', validate: z.string().max(MAX_IMPORT_BYTES) }) },
      resolve: (_r, { csv }, ctx) => importRegistrationsCsv(ctx, csv, { maxBytes: MAX_IMPORT_BYTES }),
    }),
    startRegistrationImport: t.field({
      type: ImportJobRef,
      authScopes: write,
      errors: {},
      description: `Starts an import of registrations from CSV text (at most ${MAX_IMPORT_BYTES} bytes; the header of importRegistrations) in the background and returns it at once, running; read its progress with registrationImport(id:). The file's size, syntax and header are checked first: a bad file writes nothing. Errors: POPULATION_CSV_TOO_LARGE, POPULATION_CSV_MALFORMED, POPULATION_CSV_HEADER_MISSING.`,
      args: { csv: t.arg.string({ required: true, description: 'The CSV text (UTF-8, first line the header).', validate: z.string().max(MAX_IMPORT_BYTES) }) },
      resolve: (_r, { csv }, ctx) => startRegistrationImport(ctx, csv, { maxBytes: MAX_IMPORT_BYTES }),
    }),
  }));
}

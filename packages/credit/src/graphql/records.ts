import { z, type Builder, requiredText, describedValues as described } from '@safecity/core';
import { POLARITIES, RECORD_KINDS, SEVERITIES, type Polarity, type RecordKind, type Severity } from '../rules.js';
import { recordCreditRecord } from '../service/records.js';
import { DATA, DETAILS, IDEMPOTENCY, type Refs } from './refs.js';

const POLARITY_TEXT: Record<Polarity, string> = {
  positive: 'Counts for the subject (守信), e.g. a commendation or a passed safe-unit assessment.',
  negative: 'Counts against the subject (失信), e.g. a violation, a penalty or a safe-unit veto.',
};
const SEVERITY_TEXT: Record<Severity, string> = {
  minor: 'Minor (轻微): counts for 1 year.',
  general: 'General (一般), the default of a negative record: counts for 2 years.',
  serious: 'Serious (较重): counts for 3 years.',
  severe: 'Severe (严重): counts for 5 years and proposes a black-list entry.',
};
const RECORD_KIND_TEXT: Record<RecordKind, string> = {
  safe_unit_veto: 'The unit was vetoed in a safe-unit assessment (平安创建一票否决).',
  safe_unit_pass: 'The unit passed a safe-unit assessment (平安创建考核通过).',
  administrative_penalty: 'An administrative penalty (行政处罚).',
  violation: 'A violation of law or regulation (违法违规).',
  commendation: 'A commendation (表彰).',
  tax_credit_a: 'Rated A in tax credit (纳税信用A级).',
  other: 'Any other fact; the summary says what.',
};

/** Credit records (信用记录): positive and negative facts on a subject. */
export function registerRecordSchema(builder: Builder, refs: Refs) {
  const { CreditRecord } = refs;
  const PolarityEnum = builder.enumType('CreditPolarity', { values: described(POLARITIES, POLARITY_TEXT), description: 'Whether a credit record counts for (守信) or against (失信) the subject.' });
  const SeverityEnum = builder.enumType('CreditSeverity', {
    values: described(SEVERITIES, SEVERITY_TEXT),
    description: 'How grave a negative record is; it sets how long the record counts and whether it proposes a black-list entry.',
  });
  const RecordKindEnum = builder.enumType('CreditRecordKind', { values: described(RECORD_KINDS, RECORD_KIND_TEXT), description: 'What kind of fact a credit record (信用记录) states.' });

  CreditRecord.implement({
    description: 'A positive or negative credit record (信用记录).',
    fields: (t) => ({
      id: t.exposeID('id', { description: "The record's id (a UUID); records are facts and never change." }),
      polarity: t.field({ type: PolarityEnum, description: 'For (守信) or against (失信) the subject.', resolve: (r) => r.polarity as Polarity }),
      kind: t.field({ type: RecordKindEnum, description: 'What kind of fact it is.', resolve: (r) => r.kind as RecordKind }),
      sourceDepartment: t.exposeString('sourceDepartment', { description: 'The department that reported the fact (来源部门), as written by the recorder.' }),
      date: t.field({ type: 'Date', description: 'The day the fact happened or was decided (China calendar day).', resolve: (r) => r.date }),
      severity: t.field({
        type: SeverityEnum,
        nullable: true,
        description: 'How grave a negative record is (general when not given); null for a positive record.',
        resolve: (r) => r.severity as Severity | null,
      }),
      summary: t.exposeString('summary', { description: 'What happened, in a sentence (up to 500 characters).' }),
      validFrom: t.field({ type: 'Date', description: 'The day the record starts to count: its date.', resolve: (r) => r.validFrom }),
      validUntil: t.field({
        type: 'Date',
        nullable: true,
        description: 'The day it stops counting: as recorded, or its date plus 1 to 5 years by severity (3 for a positive record); null: no end.',
        resolve: (r) => r.validUntil,
      }),
      evidenceRef: t.exposeString('evidenceRef', {
        nullable: true,
        authScopes: DETAILS,
        description: 'Where the evidence is kept (a file number or reference); null when none was given. Not public: needs credit:details.read.',
      }),
      recordedBy: t.exposeString('recordedBy', { description: "The user id of whoever recorded it, or `system` for a record made from another module's event." }),
      recordedAt: t.field({ type: 'DateTime', description: 'When it was recorded.', resolve: (r) => r.recordedAt }),
    }),
  });

  builder.mutationFields((t) => ({
    recordCreditRecord: t.field({
      type: CreditRecord,
      errors: DATA('The record written.'),
      description:
        'Records a credit fact (信用记录) on a subject in your jurisdiction; a severe negative one proposes a black-list entry, a positive one may propose a red-list entry. Errors: CREDIT_SUBJECT_UNKNOWN.',
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true, description: "The subject's unified social credit code; it must be on file in your jurisdiction." }),
        polarity: t.arg({ type: PolarityEnum, required: true, description: 'For (守信) or against (失信) the subject.' }),
        kind: t.arg({ type: RecordKindEnum, required: true, description: 'What kind of fact it is.' }),
        sourceDepartment: t.arg.string({ required: true, validate: requiredText(100), description: 'The department that reported the fact (来源部门, up to 100 characters).' }),
        date: t.arg({ type: 'Date', required: true, description: 'The day the fact happened or was decided.' }),
        severity: t.arg({ type: SeverityEnum, description: 'For a negative record: how grave (default general; severe proposes a black-list entry). Ignored for a positive one.' }),
        summary: t.arg.string({ required: true, validate: requiredText(500), description: 'What happened, in a sentence (up to 500 characters).' }),
        evidenceRef: t.arg.string({ validate: z.string().max(500), description: 'Where the evidence is kept (up to 500 characters); shown only with credit:details.read.' }),
        validUntil: t.arg({ type: 'Date', description: 'The day it stops counting (default: its date plus the years the rule set gives its severity or polarity).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordCreditRecord(ctx, input, idempotencyKey),
    }),
  }));
}

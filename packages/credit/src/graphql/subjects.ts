import { plannedOr, z, type Builder, requiredText, connectionOf, describedValues as described } from '@safecity/core';
import { SUBJECT_KINDS, type SubjectKind } from '../rules.js';
import { entryPageOfSubject } from '../service/entries.js';
import { listSubjects, recordPagesBySubject, registerCreditSubject, subjectByCodeLoader } from '../service/subjects.js';
import { DATA, IDEMPOTENCY, type Refs } from './refs.js';

const SUBJECT_KIND_TEXT: Record<SubjectKind, string> = {
  enterprise: "An enterprise (企业); subjects created from another module's event are enterprises.",
  public_institution: 'A public institution (事业单位).',
  social_organization: 'A social organisation (社会组织).',
  other: 'Any other unit.',
};

/** Credit subjects (信用主体): registration and lookup. */
export function registerSubjectSchema(builder: Builder, refs: Refs) {
  const { CreditSubject, CreditListEntry, CreditRecord } = refs;
  const SubjectKindEnum = builder.enumType('CreditSubjectKind', { values: described(SUBJECT_KINDS, SUBJECT_KIND_TEXT), description: 'What kind of organisation a credit subject (信用主体) is.' });

  CreditSubject.implement({
    description: 'An enterprise or unit (信用主体) by unified social credit code.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: 'Its unified social credit code (统一社会信用代码), unique among subjects.', resolve: (s) => s.creditCode }),
      name: t.exposeString('name', { description: 'The registered name of the enterprise or unit.' }),
      kind: t.field({ type: SubjectKindEnum, description: 'Enterprise, public institution, social organisation or other.', resolve: (s) => s.kind as SubjectKind }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction it belongs to (属地), which decides who sees it.', resolve: (s) => s.jurisdictionCode }),
      onFileSince: t.field({
        type: 'Date',
        description: 'The day it has been on file since (default: the day it was registered); the red-list rule counts clean years from it.',
        resolve: (s) => s.onFileSince,
      }),
      records: t.connection(
        {
          type: CreditRecord,
          description: 'Its credit records, newest date first.',
          resolve: (s, args, ctx, info) => plannedOr(s, info, () => recordPagesBySubject(ctx, args).load(s.id)),
        },
        connectionOf(builder, CreditRecord),
      ),
      listEntries: t.connection(
        {
          type: CreditListEntry,
          description: 'Every entry ever proposed inside your jurisdiction, newest start first.',
          resolve: (s, args, ctx) => entryPageOfSubject(ctx, s.id, args),
        },
        connectionOf(builder, CreditListEntry),
      ),
    }),
  });

  builder.queryFields((t) => ({
    creditSubject: t.field({
      type: CreditSubject,
      nullable: true,
      description: 'A subject in your jurisdiction by credit code (null if none).',
      authScopes: { permission: 'credit:read' },
      args: { code: t.arg({ type: 'CreditCode', required: true, description: 'The unified social credit code (统一社会信用代码).' }) },
      resolve: (_r, { code }, ctx) => subjectByCodeLoader(ctx).load(code),
    }),
    creditSubjects: t.connection(
      {
        type: CreditSubject,
        description: 'Credit subjects (信用主体) in your jurisdiction, in credit-code order.',
        authScopes: { permission: 'credit:read' },
        args: {
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only subjects in this jurisdiction's subtree (default: all of yours)." }),
          nameContains: t.arg.string({ validate: z.string().max(50), description: 'Only subjects whose name contains this text (up to 50 characters).' }),
        },
        resolve: (_r, args, ctx) => listSubjects(ctx, args, args),
      },
      connectionOf(builder, CreditSubject),
    ),
  }));

  builder.mutationFields((t) => ({
    registerCreditSubject: t.field({
      type: CreditSubject,
      errors: DATA('The subject put on file.'),
      description: 'Puts an enterprise or unit on file as a credit subject (信用主体) in a jurisdiction you may write in. Errors: CREDIT_SUBJECT_EXISTS.',
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true, description: 'Its unified social credit code (统一社会信用代码); one subject per code.' }),
        name: t.arg.string({ required: true, validate: requiredText(200), description: 'Its registered name (up to 200 characters).' }),
        kind: t.arg({ type: SubjectKindEnum, required: true, description: 'What kind of organisation it is.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction it belongs to (属地), inside yours.' }),
        onFileSince: t.arg({ type: 'Date', description: 'The day it has been on file since (default today).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => registerCreditSubject(ctx, input, idempotencyKey),
    }),
  }));
}

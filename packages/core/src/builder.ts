import SchemaBuilder, { BasePlugin, brandWithType, type ObjectRef, type PothosOutputFieldConfig, type SchemaTypes as PothosTypes } from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { PothosValidationError } from '@pothos/core';
import { DateTimeResolver, JSONResolver, LatitudeResolver, LocalDateResolver, LongitudeResolver } from 'graphql-scalars';
import type { Ctx } from './context.js';
import { CoreErrors, DomainError, errorCodeDescription, forbidden, unauthenticated } from './errors.js';
import { type SQL, sql } from 'drizzle-orm';
import { planOne, type TableSpec } from './data/planner.js';
import { decodeGlobalId, encodeGlobalId, isUuid } from './global-id.js';
import { noteDomainErrorCode } from './ops/operability.js';
import { boundedDateScalar, CreditCodeScalar, DivisionCodeScalar, IdempotencyKeyScalar, ResidentIdNumberScalar } from './scalars.js';

/**
 * Pothos refuses input it cannot map (an id of the wrong type for `t.arg.globalID({ for })`,
 * a list where an object was expected) with a PothosValidationError: a client's fault, not ours.
 * Giving the class a code makes every such refusal a coded answer (CORE_ID_MALFORMED for ids,
 * CORE_INPUT_INVALID otherwise) instead of a masked INTERNAL_SERVER_ERROR, at this one place.
 */
if (!Object.getOwnPropertyDescriptor(PothosValidationError.prototype, 'code')) {
  Object.defineProperty(PothosValidationError.prototype, 'code', {
    get(this: Error) {
      return /^ID: /.test(this.message) ? 'CORE_ID_MALFORMED' : 'CORE_INPUT_INVALID';
    },
  });
}

/**
 * Fields are non-null by default, except where a refusal must not wipe out the rest of the
 * response: root fields (one forbidden field of a query leaves the others' data, and the answer
 * stays HTTP 200 with partial data) and fields guarded by their own authScopes (`Person.idNumber`:
 * a refused reveal nulls that field, not the person). One rule, here, instead of `nullable: true`
 * at each of those fields.
 */
class RefusableFieldsPlugin<Types extends PothosTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const root = fieldConfig.kind === 'Query' || fieldConfig.kind === 'Mutation' || fieldConfig.kind === 'Subscription';
    const guarded = !!(fieldConfig.pothosOptions as { authScopes?: unknown }).authScopes;
    if (!(root || guarded) || fieldConfig.type.nullable === true) return describedData(fieldConfig);
    return describedData({ ...fieldConfig, type: { ...fieldConfig.type, nullable: true } as typeof fieldConfig.type });
  }
}

/**
 * The errors plugin has no builder-wide option for the `data` field of a `…Success` type: it gets
 * its description here unless the mutation gave one (`errors: { dataField: { description } }`).
 */
function describedData<C extends { name: string; parentType: string; description?: string | null }>(fieldConfig: C): C {
  if (fieldConfig.name !== 'data' || !fieldConfig.parentType.endsWith('Success') || fieldConfig.description) return fieldConfig;
  return { ...fieldConfig, description: 'What the mutation wrote (for a retried idempotency key, what the first attempt wrote).' };
}
SchemaBuilder.registerPlugin('safecityRefusableFields', RefusableFieldsPlugin);
declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends PothosTypes> {
      safecityRefusableFields: RefusableFieldsPlugin<Types>;
    }
  }
}

export interface SchemaTypes {
  Context: Ctx;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    Latitude: { Input: number; Output: number };
    Longitude: { Input: number; Output: number };
    ResidentIdNumber: { Input: string; Output: string };
    CreditCode: { Input: string; Output: string };
    DivisionCode: { Input: string; Output: string };
    IdempotencyKey: { Input: string; Output: string };
  };
  AuthScopes: {
    /** Anyone, without a token. Public fields set `skipTypeScopes: true, authScopes: { public: true }`. */
    public: boolean;
    authenticated: boolean;
    permission: string;
  };
  // Output fields are non-null unless declared `nullable: true` (and then described: what null means).
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

/** `recordPerson` on Mutation → `RecordPerson`; other parents keep their name as a prefix. */
function payloadStem(parentTypeName: string, fieldName: string): string {
  const field = fieldName.charAt(0).toUpperCase() + fieldName.slice(1);
  return parentTypeName === 'Mutation' ? field : `${parentTypeName}${field}`;
}

/** Per builder: node types whose `node(id:)` the read planner answers (declarePlannedNode). */
const plannedNodes = new WeakMap<object, Map<string, TableSpec>>();
/** `node(id:)`'s row: the id a placeholder, so the planned statement is kept per document (planOne's `values`). */
const byId = (t: SQL) => sql`${t}.id = ${sql.placeholder('id')}`;

/**
 * `node(id:)` of this type is planned: one statement for the row and the relations the query
 * selects on it (`... on SafeUnit { assessments { … } }`), in the caller's jurisdiction, instead
 * of the type's loader and then one statement per relation. The type's key is its `id` column
 * (a uuid). A miss (no such row, or outside the jurisdiction) and an anonymous caller go the
 * loader's way, so what they answer does not change.
 */
export function declarePlannedNode(builder: Builder, typename: string, spec: TableSpec): void {
  plannedNodes.get(builder)!.set(typename, spec);
}

export function createBuilder(opts: { errorCodes: string[] }) {
  const planned = new Map<string, TableSpec>();
  const builder = new SchemaBuilder<SchemaTypes>({
    plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, RelayPlugin, DataloaderPlugin, 'safecityRefusableFields'],
    defaultFieldNullability: false,
    scopeAuth: {
      authorizeOnSubscribe: true,
      authScopes: async (ctx) => ({
        public: true,
        authenticated: !!ctx.actor,
        permission: (p: string) => !!ctx.actor?.permissions.has(p),
      }),
      unauthorizedError: (_parent, ctx) => (ctx.actor ? forbidden() : unauthenticated()),
    },
    errors: {
      defaultTypes: [DomainError],
      unsafelyHandleInputErrors: true,
      // Payloads are named after the mutation (`RecordPersonPayload = RecordPersonSuccess | DomainError`,
      // the written record in `RecordPersonSuccess.data`), not after the root type.
      defaultUnionOptions: {
        name: ({ parentTypeName, fieldName }) => `${payloadStem(parentTypeName, fieldName)}Payload`,
        description: "The mutation's answer: its Success member (what was written, in `data`), or a DomainError (nothing was written).",
      },
      defaultResultOptions: {
        name: ({ parentTypeName, fieldName }) => `${payloadStem(parentTypeName, fieldName)}Success`,
        description: 'The mutation succeeded: `data` holds what it wrote (or, for a retried idempotency key, what the first attempt wrote).',
      },
    },
    validation: {
      validationError: (result) => {
        const issue = result.issues[0];
        const path = issue?.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') || null;
        const tooLong = (issue as { code?: string; origin?: string } | undefined)?.code === 'too_big' && (issue as { origin?: string }).origin === 'string';
        return new DomainError(tooLong ? CoreErrors.code('INPUT_TOO_LONG') : CoreErrors.code('INPUT_INVALID'), `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid input'}`, {
          field: path,
          details: { issues: result.issues.map((i) => ({ message: i.message, path: i.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))) })) },
        });
      },
    },
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      edgesFieldOptions: { nullable: false, description: 'The records of this page, in the order of the field.' },
      nodeFieldOptions: { nullable: false, description: 'The record.' },
      cursorFieldOptions: { description: 'Opaque keyset cursor of this record: pass it as `after` (or `before`) for the next (previous) page.' },
      pageInfoFieldOptions: { description: 'Where this page sits: cursors of its ends and whether more pages follow.' },
      pageInfoTypeOptions: { description: 'Relay page information of a connection.' },
      hasNextPageFieldOptions: { description: 'True when records follow this page (in the order of the field).' },
      hasPreviousPageFieldOptions: { description: 'True when records precede this page.' },
      startCursorFieldOptions: { description: 'Cursor of the first record of the page; null for an empty page.' },
      endCursorFieldOptions: { description: 'Cursor of the last record of the page; null for an empty page.' },
      firstArgOptions: { description: 'Page size going forward (default 20, at most GRAPHQL_MAX_PAGE_SIZE, 100 unless configured).' },
      afterArgOptions: { description: 'Start after this cursor (an `endCursor` or edge `cursor` of the previous page).' },
      lastArgOptions: { description: 'Page size going backward, from `before` (at most GRAPHQL_MAX_PAGE_SIZE).' },
      beforeArgOptions: { description: 'End before this cursor (a `startCursor` of the following page).' },
      nodeTypeOptions: { description: 'A record with a global id: fetch any of them with `node(id:)` or `nodes(ids:)`.' },
      nodeQueryOptions: {
        description: 'Any record by its global id; null when it does not exist or is outside your jurisdiction.',
        args: { id: { description: 'A global id as returned by any `id` field (opaque).' } },
        resolve: async (_root, args, ctx, info, byLoader) => {
          const { typename, id } = args.id as { typename: string; id: string };
          const spec = planned.get(typename);
          if (!spec || !ctx.actor || !isUuid(id)) return byLoader(args.id);
          const row = await planOne(ctx, info, spec, byId, info.schema.getType(typename) ?? undefined, { id });
          if (!row) return byLoader(args.id);
          brandWithType(row, typename as never);
          return row;
        },
      },
      nodesQueryOptions: {
        description: 'Records by global ids, in the order asked; null for each that does not exist or is outside your jurisdiction.',
        args: { ids: { description: 'Global ids as returned by `id` fields (opaque); the answer has one entry per id, in this order.' } },
      },
      idFieldOptions: { description: 'Global id (opaque; stable across versions of the record).' },
      // One decoder for every id argument and node(id:): core's global-id.ts.
      decodeGlobalID: (globalID: string) => decodeGlobalId(globalID),
      encodeGlobalID: encodeGlobalId,
    },
  });

  builder.addScalarType('DateTime', DateTimeResolver);
  builder.addScalarType('Date', boundedDateScalar(LocalDateResolver));
  builder.addScalarType('JSON', JSONResolver);
  builder.addScalarType('Latitude', LatitudeResolver);
  builder.addScalarType('Longitude', LongitudeResolver);
  builder.addScalarType('ResidentIdNumber', ResidentIdNumberScalar);
  builder.addScalarType('CreditCode', CreditCodeScalar);
  builder.addScalarType('DivisionCode', DivisionCodeScalar);
  builder.addScalarType('IdempotencyKey', IdempotencyKeyScalar);

  const ErrorCode = builder.enumType('ErrorCode', {
    description:
      "Every error code the API answers with (a closed set): the modules' DomainError codes (in a mutation's payload, or as `extensions.code` of a top-level error) and the gateway's own top-level codes (UNAUTHENTICATED, FORBIDDEN, QUERY_TOO_DEEP, …).",
    values: Object.fromEntries([...new Set(opts.errorCodes)].sort().map((c) => [c, { value: c, description: errorCodeDescription(c) }])),
  });

  builder.objectType(DomainError, {
    name: 'DomainError',
    description: 'An expected failure: nothing was written.',
    // Recognising the value also records its code for the access log and metrics (ops/).
    isTypeOf: (v, context) => v instanceof DomainError && (noteDomainErrorCode(context, v.code), true),
    fields: (t) => ({
      code: t.field({ type: ErrorCode, description: 'What went wrong, from the closed set ErrorCode: switch on this, not on the message.', resolve: (e) => e.code }),
      message: t.exposeString('message', { description: 'A sentence for people (English); may change between versions.' }),
      field: t.string({ nullable: true, description: 'The input field at fault, as a dotted path.', resolve: (e) => e.field }),
      details: t.field({ type: 'JSON', nullable: true, description: 'Facts about the failure for a program (limits, offending ids); null when there are none.', resolve: (e) => e.details }),
    }),
  });

  builder.queryType({ description: 'Reads. Every list is a bounded page; every record is filtered to your jurisdiction (属地).', authScopes: { authenticated: true } });
  builder.mutationType({
    description: 'Writes. Each is one transaction with its audit entry; expected failures come back as a DomainError member of its payload and write nothing.',
    authScopes: { authenticated: true },
  });
  builder.subscriptionType({ description: 'Committed domain events of your jurisdiction, as they happen.', authScopes: { authenticated: true } });
  plannedNodes.set(builder, planned);
  return builder;
}

export type Builder = ReturnType<typeof createBuilder>;

const connectionRefs = new WeakMap<object, Map<string, unknown>>();

/**
 * The one connection type of a node type, named after the node: `PersonConnection` with
 * `PersonEdge`, shared by every field that pages persons. Left to itself the relay plugin names a
 * connection after the field that returns it (`QueryPersonsConnection`, `QueryOverdueTenantsConnection`
 * for the same node), which front ends cannot reuse. Pass it as `t.connection`'s second argument.
 */
export function connectionOf<Type extends ObjectRef<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, any, any>>(builder: Builder, type: Type) {
  let byName = connectionRefs.get(builder);
  if (!byName) connectionRefs.set(builder, (byName = new Map()));
  const name = type.name;
  const known = byName.get(name);
  if (known) return known as ReturnType<typeof make>;
  const make = () =>
    builder.connectionObject(
      { type, name: `${name}Connection`, description: `A page of ${name} records: Relay cursor connection, ordered as the field that returns it says.` },
      { name: `${name}Edge`, description: `One ${name} of a page with its cursor.` },
    );
  const ref = make();
  byName.set(name, ref);
  return ref;
}

/**
 * An enum's values with a description each, for `builder.enumType(name, { values })`: the keys
 * (a rules file's constant list) stay the values and their order, and the description table is
 * typed by them, so a value without a description does not compile.
 */
export function describedValues<K extends string>(keys: readonly K[], descriptions: Record<K, string>) {
  return Object.fromEntries(keys.map((k) => [k, { value: k, description: descriptions[k] }])) as { [P in K]: { value: P; description: string } };
}

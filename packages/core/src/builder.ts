import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver, LatitudeResolver, LocalDateResolver, LongitudeResolver } from 'graphql-scalars';
import type { Ctx } from './context.js';
import { CoreErrors, DomainError, forbidden, unauthenticated } from './errors.js';
import { noteDomainErrorCode } from './ops/operability.js';
import { CreditCodeScalar, DivisionCodeScalar, IdempotencyKeyScalar, ResidentIdNumberScalar } from './scalars.js';

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
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

export function createBuilder(opts: { errorCodes: string[] }) {
  const builder = new SchemaBuilder<SchemaTypes>({
    plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, RelayPlugin, DataloaderPlugin],
    scopeAuth: {
      authorizeOnSubscribe: true,
      authScopes: async (ctx) => ({
        public: true,
        authenticated: !!ctx.actor,
        permission: (p: string) => !!ctx.actor?.permissions.has(p),
      }),
      unauthorizedError: (_parent, ctx) => (ctx.actor ? forbidden() : unauthenticated()),
    },
    errors: { defaultTypes: [DomainError], unsafelyHandleInputErrors: true },
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
      edgesFieldOptions: { nullable: false },
      nodeFieldOptions: { nullable: false },
      decodeGlobalID: (globalID: string) => {
        const decoded = Buffer.from(globalID, 'base64url').toString('utf8');
        const i = decoded.indexOf(':');
        if (i <= 0 || !/^[A-Za-z]+$/.test(decoded.slice(0, i)) || decoded.length > 200) {
          throw new GraphQLError('Malformed id.', { extensions: { code: CoreErrors.code('ID_MALFORMED') } });
        }
        return { typename: decoded.slice(0, i), id: decoded.slice(i + 1) };
      },
      encodeGlobalID: (typename: string, id: string | number | bigint) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url'),
    },
  });

  builder.addScalarType('DateTime', DateTimeResolver);
  builder.addScalarType('Date', LocalDateResolver);
  builder.addScalarType('JSON', JSONResolver);
  builder.addScalarType('Latitude', LatitudeResolver);
  builder.addScalarType('Longitude', LongitudeResolver);
  builder.addScalarType('ResidentIdNumber', ResidentIdNumberScalar);
  builder.addScalarType('CreditCode', CreditCodeScalar);
  builder.addScalarType('DivisionCode', DivisionCodeScalar);
  builder.addScalarType('IdempotencyKey', IdempotencyKeyScalar);

  const ErrorCode = builder.enumType('ErrorCode', {
    description: 'Every expected failure code of every module (a closed set).',
    values: Object.fromEntries([...new Set(opts.errorCodes)].sort().map((c) => [c, { value: c }])),
  });

  builder.objectType(DomainError, {
    name: 'DomainError',
    description: 'An expected failure: nothing was written.',
    // Recognising the value also records its code for the access log and metrics (ops/).
    isTypeOf: (v, context) => v instanceof DomainError && (noteDomainErrorCode(context, v.code), true),
    fields: (t) => ({
      code: t.field({ type: ErrorCode, resolve: (e) => e.code }),
      message: t.exposeString('message'),
      field: t.string({ nullable: true, description: 'The input field at fault, as a dotted path.', resolve: (e) => e.field }),
      details: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.details }),
    }),
  });

  builder.queryType({ authScopes: { authenticated: true } });
  builder.mutationType({ authScopes: { authenticated: true } });
  builder.subscriptionType({ authScopes: { authenticated: true } });
  return builder;
}

export type Builder = ReturnType<typeof createBuilder>;

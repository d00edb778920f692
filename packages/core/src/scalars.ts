import { stdnum } from 'stdnum';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isValidCreditCode } from './credit-code.js';
import { isDivisionCode } from './jurisdiction.js';

/** GB 11643 resident identity number: 18 characters, ISO 7064 MOD 11-2 check character (stdnum's cn.ric). */
export function isValidResidentId(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && stdnum.CN.ric.validate(value).isValid;
}

/** Birth date (YYYY-MM-DD) and gender encoded in a resident identity number. */
export function residentIdFacts(id: string): { birthDate: string; gender: 'male' | 'female'; areaCode: string } {
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  return { birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female', areaCode: id.slice(0, 6) };
}

/**
 * Thrown by scalar parsing. Deliberately not a GraphQLError: graphql-js keeps a plain
 * error as `originalError` when it wraps coercion failures, so the code survives to the
 * response (see the error-code plugin in app.ts).
 */
export class InputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
function inputError(code: string, message: string) {
  return new InputError(code, message);
}

function stringScalar(opts: { name: string; description: string; normalize?: (s: string) => string; check: (s: string) => boolean; code: string; message: (s: string) => string }) {
  const parse = (v: unknown) => {
    if (typeof v !== 'string') throw inputError(opts.code, `${opts.name} must be a string.`);
    const s = opts.normalize ? opts.normalize(v) : v;
    if (!opts.check(s)) throw inputError(opts.code, opts.message(v));
    return s;
  };
  return new GraphQLScalarType({
    name: opts.name,
    description: opts.description,
    serialize: (v) => v as string,
    parseValue: parse,
    // Literals are checked during validation, which reports a GraphQLError as it is: keep the code there.
    parseLiteral: (ast: ValueNode) => {
      try {
        if (ast.kind !== Kind.STRING) throw inputError(opts.code, `${opts.name} must be a string.`);
        return parse(ast.value);
      } catch (e) {
        const err = e as InputError;
        throw new GraphQLError(err.message, { nodes: ast, extensions: { code: err.code } });
      }
    },
  });
}

const upper = (s: string) => s.trim().toUpperCase();

export const ResidentIdNumberScalar = stringScalar({
  name: 'ResidentIdNumber',
  description: 'GB 11643 resident identity number (居民身份证号): 18 characters, the last an ISO 7064 MOD 11-2 check character (0-9 or X).',
  normalize: upper,
  check: isValidResidentId,
  code: 'CORE_RESIDENT_ID_INVALID',
  message: () => 'Not a valid resident identity number (GB 11643: 17 digits and a check character).',
});

export const CreditCodeScalar = stringScalar({
  name: 'CreditCode',
  description: 'GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters of 0-9 and A-Z without I, O, Z, S, V, the last a check character.',
  normalize: upper,
  check: isValidCreditCode,
  code: 'CORE_CREDIT_CODE_INVALID',
  message: () => 'Not a valid unified social credit code (GB 32100-2015).',
});

export const DivisionCodeScalar = stringScalar({
  name: 'DivisionCode',
  description: 'Administrative division code: 6 digits (GB/T 2260), 9 (town), 12 (village/community, statistical code) or 15 (grid).',
  normalize: (s) => s.trim(),
  check: isDivisionCode,
  code: 'CORE_DIVISION_CODE_INVALID',
  message: (s) => `Not a division code: ${JSON.stringify(s).slice(0, 40)}.`,
});

export const IdempotencyKeyScalar = stringScalar({
  name: 'IdempotencyKey',
  description: 'A client-chosen key (8-128 characters of A-Z a-z 0-9 - _ : .); a retried key returns the first result.',
  check: (s) => /^[A-Za-z0-9\-_:.]{8,128}$/.test(s),
  code: 'CORE_INPUT_INVALID',
  message: () => 'An idempotency key has 8 to 128 characters of A-Z a-z 0-9 - _ : .',
});

/** The calendar a municipal register needs: 1900-01-01 to 2199-12-31 (year 0000 or 9999 broke date arithmetic and SQL; issue #11). */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '2199-12-31';

/** graphql-scalars' LocalDate, refused outside DATE_MIN..DATE_MAX with CORE_INPUT_INVALID. */
export function boundedDateScalar(base: GraphQLScalarType): GraphQLScalarType {
  const config = base.toConfig();
  const bounded = (v: unknown) => {
    if (typeof v === 'string' && (v < DATE_MIN || v > DATE_MAX)) throw inputError('CORE_INPUT_INVALID', `A date lies between ${DATE_MIN} and ${DATE_MAX}.`);
    return v;
  };
  // Serializing validates the calendar of every date of every answer (a page of 50 rows with
  // dates: 1% of a read's CPU). The values an answer holds are few and repeat, so a string once
  // found valid is remembered (a bounded set; its shape and calendar were checked once).
  // Variables the same: a date argument is checked once per distinct value (then its bounds).
  const remembered = (check: (v: unknown) => unknown) => {
    const valid = new Set<string>();
    return (v: unknown) => {
      if (typeof v === 'string' && valid.has(v)) return v;
      const out = check(v);
      if (typeof v === 'string' && out === v) {
        if (valid.size >= 100_000) valid.clear();
        valid.add(v);
      }
      return out;
    };
  };
  const serialize = remembered((v) => config.serialize!(v));
  return new GraphQLScalarType({
    ...config,
    serialize,
    parseValue: remembered((v) => bounded(config.parseValue!(v))),
    parseLiteral: (ast, vars) => {
      const v = config.parseLiteral!(ast, vars);
      try {
        return bounded(v);
      } catch (e) {
        throw new GraphQLError((e as InputError).message, { nodes: ast, extensions: { code: (e as InputError).code } });
      }
    },
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GraphQLError } from 'graphql';
import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { Authenticator } from './auth.js';
import type { SecurityConfig } from './config.js';
import { memoPerObject } from './memo.js';
import { requestSlot } from './request-slot.js';

/**
 * Gateway security: what every request meets before any resolver runs. One place for each rule:
 * body size (413), CORS allowlist, response security headers, introspection and suggestions for
 * anonymous callers, and the length of every list and string a client sends.
 */

/** Headers on every answer (API, GraphiQL, health): no sniffing, no caching, no framing, no referrer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

function refuse(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * Refuses a body over the limit before reading it, by its Content-Length (413). A body without
 * one (chunked) gets 411: counting it alongside Yoga's reader could lose chunks, and every
 * GraphQL client sends a length. Returns false when the request was answered here.
 */
export function checkBodySize(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined && !(Number(declared) <= maxBytes)) {
    refuse(res, 413, 'REQUEST_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
    req.resume();
    return false;
  }
  if (declared === undefined && req.headers['transfer-encoding']) {
    refuse(res, 411, 'LENGTH_REQUIRED', 'A request body needs a Content-Length.');
    req.resume();
    return false;
  }
  return true;
}

/** Yoga's CORS option: an allowlist, no credentials (tokens travel in Authorization, not cookies). */
export function corsFromAllowlist(origins: string[]): (request: Request) => CORSOptions {
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    // false: no CORS headers at all (an empty origin list would mean "reflect any origin" to Yoga).
    if (!origin || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-safecity-client', 'x-graphql-yoga-csrf'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    };
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

const DID_YOU_MEAN = / ?Did you mean [^?]*\?/g;

/**
 * Introspection and "Did you mean …" suggestions follow `introspection`: everyone, authenticated
 * callers, or nobody. The caller is known before validation: the token is verified here (the
 * authenticator caches it, so the context does not pay twice); a bad token counts as anonymous
 * and gets its 401 from the context as before.
 */
export function useIntrospectionPolicy(policy: SecurityConfig['introspection'], auth: Authenticator): Plugin {
  const allowed = requestSlot<Request, boolean>('introspectionAllowed');
  const decide = async (request: Request) => {
    try {
      return !!(await auth.authenticateRequest(request));
    } catch {
      return false;
    }
  };
  return {
    // Synchronous when the caller is known without waiting (nearly every request: a token seen
    // before, or none): an async hook costs every request a promise and a turn of the queue.
    onParams({ request }) {
      if (policy !== 'authenticated') return void allowed.set(request, policy === 'everyone');
      const known = auth.peekRequest(request);
      if (known !== undefined) return void allowed.set(request, known !== null);
      return decide(request).then((yes) => void allowed.set(request, yes));
    },
    onValidate({ addValidationRule, context }) {
      const request = (context as { request?: Request }).request;
      if (request && allowed.get(request) === false) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onResultProcess({ request, result, setResult }) {
      if (allowed.get(request) !== false || !result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const r = result as { errors?: readonly GraphQLError[] };
      if (!r.errors?.some((e) => e.message.includes('Did you mean'))) return;
      setResult({
        ...(result as object),
        errors: r.errors.map((e) =>
          e.message.includes('Did you mean') ? new GraphQLError(e.message.replace(DID_YOU_MEAN, ''), { nodes: e.nodes, positions: e.positions, path: e.path, extensions: e.extensions }) : e,
        ),
      } as never);
    },
  };
}

/** The limit plugins' own refusals, coded at the source (not recognised by message text later). */
export function rejectWith(code: string) {
  return (_ctx: unknown, err: GraphQLError) => {
    const ext = (err.extensions ?? {}) as Record<string, unknown>;
    ext.code = code;
    ext.http = { status: 400 };
    if (!err.extensions) (err as { extensions: unknown }).extensions = ext;
    // graphql-armor prefixes its refusals with "Syntax Error: ", which they are not.
    if (err.message.startsWith('Syntax Error: ')) (err as { message: string }).message = err.message.slice('Syntax Error: '.length);
  };
}

/** The largest explicit maximum length a Pothos validation schema (zod) sets on an argument, if any. */
function explicitMaxLength(def: GraphQLArgument | GraphQLInputField): number | undefined {
  const options = (def.extensions as { pothosOptions?: { validate?: unknown } } | undefined)?.pothosOptions;
  const bag = (options?.validate as { _zod?: { bag?: { maximum?: number } } } | undefined)?._zod?.bag;
  return typeof bag?.maximum === 'number' ? bag.maximum : undefined;
}

export interface InputLimits {
  maxListLength: number;
  maxStringLength: number;
}

/**
 * Walks every argument of every field in the operation (literals and variables, nested input
 * objects and lists) and returns the first value over a limit: a list longer than
 * `maxListLength`, or a String/ID longer than its explicit maximum or else `maxStringLength`.
 */
export function findOversizedInput(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, limits: InputLimits): { path: string; message: string; code?: string } | null {
  const literal = (v: ValueNode): unknown => {
    switch (v.kind) {
      case Kind.VARIABLE:
        return variables[v.name.value];
      case Kind.LIST:
        return v.values.map(literal);
      case Kind.OBJECT:
        return Object.fromEntries(v.fields.map((f) => [f.name.value, literal(f.value)]));
      case Kind.STRING:
      case Kind.ENUM:
        return v.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(v.value);
      case Kind.BOOLEAN:
        return v.value;
      default:
        return null;
    }
  };
  const check = (value: unknown, type: GraphQLInputType, path: string, max: number | undefined, depth: number): { path: string; message: string; code?: string } | null => {
    if (value === null || value === undefined || depth > 40) return null;
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) {
      const items = Array.isArray(value) ? value : [value];
      if (items.length > limits.maxListLength) return { path, message: `${path} has ${items.length} items; at most ${limits.maxListLength} are accepted.` };
      for (let i = 0; i < items.length; i++) {
        const found = check(items[i], t.ofType as GraphQLInputType, `${path}.${i}`, max, depth + 1);
        if (found) return found;
      }
      return null;
    }
    if (isInputObjectType(t)) {
      if (typeof value !== 'object') return null;
      const fields = t.getFields();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const f = fields[k];
        if (!f) continue;
        const found = check(v, f.type, `${path}.${k}`, explicitMaxLength(f), depth + 1);
        if (found) return found;
      }
      return null;
    }
    if (typeof value === 'string') {
      // An empty id is never an id: refused here rather than read as "no id" by an optional argument.
      if (value === '' && (t as { name?: string }).name === 'ID') return { path, message: `${path} is an empty id.`, code: 'CORE_ID_MALFORMED' };
      const limit = max ?? limits.maxStringLength;
      if (value.length > limit) return { path, message: `${path} is ${value.length} characters long; at most ${limit} are accepted.` };
    }
    return null;
  };
  for (const u of argumentUsages(schema, document)) {
    const found = check(literal(u.value), u.type, u.path, u.max, 0);
    if (found) return found;
  }
  return null;
}

interface ArgumentUsage {
  value: ValueNode;
  type: GraphQLInputType;
  path: string;
  max: number | undefined;
}

/**
 * Every argument of every field of a document, in the order of the document, with its type and
 * maximum: the part of the check that depends on the document alone, made once per parsed
 * document (Yoga's parse cache hands back the same one for the same text) and schema.
 */
const usagesOf = memoPerObject((schema: GraphQLSchema) => memoPerObject((document: DocumentNode) => collectArgumentUsages(schema, document)));
const argumentUsages = (schema: GraphQLSchema, document: DocumentNode) => usagesOf(schema)(document);

function collectArgumentUsages(schema: GraphQLSchema, document: DocumentNode): ArgumentUsage[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const usages: ArgumentUsage[] = [];
  const walk = (set: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, depth: number): void => {
    if (!set || !type || depth > 40) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type, depth + 1);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet, schema.getType(f.typeCondition.name.value), depth + 1);
      } else if (isObjectType(type) || isInterfaceType(type)) {
        const def = type.getFields()[sel.name.value];
        if (!def) continue;
        for (const a of sel.arguments ?? []) {
          const argDef = def.args.find((x) => x.name === a.name.value);
          if (argDef) usages.push({ value: a.value, type: argDef.type, path: `${sel.name.value}.${a.name.value}`, max: explicitMaxLength(argDef) });
        }
        walk(sel.selectionSet, getNamedType(def.type), depth + 1);
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = d.operation === 'query' ? schema.getQueryType() : d.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    walk(d.selectionSet, root, 0);
  }
  return usages;
}

/** Refuses, before any resolver runs, an operation with an oversized list or string (CORE_INPUT_TOO_LONG) or an empty id (CORE_ID_MALFORMED). */
export function useInputLimits(limits: InputLimits): Plugin {
  const refusal = (found: { path: string; message: string; code?: string }) => ({
    errors: [new GraphQLError(found.message, { extensions: { code: found.code ?? 'CORE_INPUT_TOO_LONG', field: found.path } })],
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const found = findOversizedInput(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>, limits);
      if (found) setResultAndStopExecution(refusal(found));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const found = findOversizedInput(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>, limits);
      if (found) setResultAndStopExecution(refusal(found) as never);
    },
  };
}

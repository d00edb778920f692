import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { memoPerObject } from './memo.js';

/**
 * Text PostgreSQL cannot store or that is not text at all. A NUL byte makes PostgreSQL refuse the
 * statement (a masked INTERNAL_SERVER_ERROR, and the statement in the logs); a lone UTF-16
 * surrogate is not a character and cannot be encoded as UTF-8.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(s: string): 'NUL' | 'LONE_SURROGATE' | null {
  if (s.includes('\u0000')) return 'NUL';
  if (LONE_SURROGATE.test(s)) return 'LONE_SURROGATE';
  return null;
}

const MESSAGES = {
  NUL: 'Text may not contain NUL characters (U+0000).',
  LONE_SURROGATE: 'Text must be well-formed Unicode (a lone UTF-16 surrogate was sent).',
} as const;

/** The first bad string inside a variables value, with its path. */
export function findBadText(value: unknown, path: string[] = [], depth = 0): { path: string; problem: keyof typeof MESSAGES } | null {
  if (depth > 64) return null;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path: path.join('.'), problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findBadText(value[i], [...path, String(i)], depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const keyProblem = textProblem(k);
      if (keyProblem) return { path: [...path, '?'].join('.'), problem: keyProblem };
      const hit = findBadText(v, [...path, k], depth + 1);
      if (hit) return hit;
    }
  }
  return null;
}

/** A document's literals' problem, once per parsed document. */
const badTextInDocument = memoPerObject((document: DocumentNode): keyof typeof MESSAGES | null => {
  let found: keyof typeof MESSAGES | null = null;
  visit(document, {
    StringValue(node) {
      found ??= textProblem(node.value);
    },
  });
  return found;
});

function refusal(problem: keyof typeof MESSAGES, path: string | null): GraphQLError {
  return new GraphQLError(path ? `$${path}: ${MESSAGES[problem]}` : MESSAGES[problem], { extensions: { code: 'CORE_INPUT_INVALID', field: path } });
}

/**
 * Refuses, before execution and for every argument of every field at once, strings that no
 * column can hold: NUL characters and lone surrogates, in variables and in literals.
 */
export function useInputHygiene(): Plugin {
  const check = (args: { document: DocumentNode; variableValues?: Record<string, unknown> | null }) => {
    const hit = findBadText(args.variableValues ?? {});
    if (hit) return refusal(hit.problem, hit.path);
    const inDoc = badTextInDocument(args.document);
    return inDoc ? refusal(inDoc, null) : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = check(args as never);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = check(args as never);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}

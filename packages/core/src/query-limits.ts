import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Plugin } from 'graphql-yoga';
import type { Config } from './config.js';
import { rejectWith } from './security.js';

/**
 * The query limits (graphql-armor). Each plugin's refusal is coded by the plugin's own onReject
 * hook, so the code says which limit refused and no later step reads the message text.
 */
export const LIMIT_CODES = {
  maxTokens: 'QUERY_TOO_LARGE',
  maxDepth: 'QUERY_TOO_DEEP',
  maxAliases: 'QUERY_TOO_MANY_ALIASES',
  maxCost: 'QUERY_TOO_COSTLY',
} as const;

export function queryLimitPlugins(limits: Config['limits']): Plugin[] {
  // graphql-armor's depth, alias and cost plugins each take an onValidate hook and make a new rule
  // function on every request, although Yoga validates a document once and caches the answer (by
  // its rules' names, which these anonymous rules leave the same). The same three rules, made once
  // and added by one hook: 51 k of the 925 k instructions of a small read went with the four hooks
  // (docs/request-path.md, "Where A's fixed cost goes").
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [rejectWith(LIMIT_CODES.maxDepth)] }),
    maxAliasesRule({ n: limits.maxAliases, onReject: [rejectWith(LIMIT_CODES.maxAliases)] }),
    costLimitRule({ maxCost: limits.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true, onReject: [rejectWith(LIMIT_CODES.maxCost)] }),
  ];
  const validationLimits: Plugin = {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
  return [maxTokensPlugin({ n: limits.maxTokens, onReject: [rejectWith(LIMIT_CODES.maxTokens)] }) as Plugin, validationLimits];
}

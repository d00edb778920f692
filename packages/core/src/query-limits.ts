import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
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
  return [
    maxTokensPlugin({ n: limits.maxTokens, onReject: [rejectWith(LIMIT_CODES.maxTokens)] }),
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [rejectWith(LIMIT_CODES.maxDepth)] }),
    maxAliasesPlugin({ n: limits.maxAliases, onReject: [rejectWith(LIMIT_CODES.maxAliases)] }),
    costLimitPlugin({ maxCost: limits.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true, onReject: [rejectWith(LIMIT_CODES.maxCost)] }),
  ] as Plugin[];
}

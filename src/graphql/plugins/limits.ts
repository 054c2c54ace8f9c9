import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../../core/config.ts';

/**
 * Limits on the shape of an operation (GraphQL Armor), so one request cannot eat the
 * server. Its cost, which depends on the arguments sent, is useQueryCost's.
 */
export function operationLimits(c: Config): Plugin[] {
  return [
    maxTokensPlugin({ n: c.maxTokens }),
    maxDepthPlugin({ n: c.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesPlugin({ n: c.maxAliases }),
    maxDirectivesPlugin({ n: 50 }),
  ] as Plugin[];
}

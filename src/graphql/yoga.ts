import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { LiveService } from '../live/service.ts';
import type { Logger } from '../log.ts';
import type { Caller, IntentService } from '../service.ts';
import type { Context } from './context.ts';
import { createMaskError } from './plugins/mask-errors.ts';
import { useErrorCodes } from './plugins/error-codes.ts';
import { useHealth } from './plugins/health.ts';
import { schema } from './schema/index.ts';

export interface YogaOptions {
  service: IntentService;
  live: LiveService;
  log: Logger;
  /** Whether the server can take work; false during shutdown or while the database is away. */
  ready: () => Promise<boolean>;
}

export type AxmeYoga = YogaServerInstance<Record<string, unknown>, Context>;

const DEFAULT_CALLER: Caller = { namespace: 'default', principal: null };

export function createAxmeYoga(o: YogaOptions): AxmeYoga {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Axme', defaultQuery: DEFAULT_QUERY },
    maskedErrors: { maskError: createMaskError(o.log) },
    logging: {
      debug: (...a) => o.log.debug(a.map(String).join(' ')),
      info: (...a) => o.log.info(a.map(String).join(' ')),
      warn: (...a) => o.log.warn(a.map(String).join(' ')),
      error: (...a) => o.log.error(a.map(String).join(' ')),
    },
    context: ({ request }) => ({ service: o.service, live: o.live, caller: DEFAULT_CALLER, signal: request.signal }),
    plugins: [useHealth(o.ready), useErrorCodes()],
  });
}

const DEFAULT_QUERY = `# Submit an intent, then claim it as an agent, then complete it.
mutation Submit {
  submitIntent(input: { type: "demo.hello", input: { name: "Ada" } }) { id status }
}

query Recent {
  intents(first: 10) { totalCount edges { node { id type status attempt createdAt } } }
}
`;

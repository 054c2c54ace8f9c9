/**
 * The floors of the server, lowest first (README, Architecture). A module may import
 * from its own floor and the floors below it, never from one above; and nothing may
 * import itself round in a cycle. test/layers.test.ts runs these rules in the test run;
 * `npm run layers` prints any violation with the comment of its rule.
 *
 * Each floor gets one rule, generated from this table so that adding a floor is one
 * line here and in the README.
 */
const LAYERS = [
  ['core', '^src/core/', 'pure rules and shared vocabulary (lifecycle, errors, ids, clock, config, validation, retry policy, durations, Caller and Role, model types): imports only npm packages'],
  ['db', '^src/db/', 'the one database interface over pg and PGlite, and migrations'],
  ['store', '^src/store/', 'SQL only: one statement per operation, `now` and every rule from core as parameters'],
  ['telemetry', '^src/telemetry/', 'metrics, tracing and the traced database'],
  ['pubsub', '^src/pubsub/', 'notifications that something committed (in-process or Redis)'],
  ['auth', '^src/auth/', 'API keys and who a request is'],
  ['services', '^src/services/', 'what resolvers call: createServices() returns intents, waits, approvals and operator over one commit()'],
  ['sweeps', '^src/sweeps/', 'everything on a timer: the sweeper and its tasks'],
  ['live', '^src/live/', 'subscriptions: one shared event reader per namespace'],
  ['graphql', '^src/graphql/', 'the Pothos schema, yoga and its plugins, graphql-ws'],
  ['mcp', '^src/mcp/', 'the MCP endpoint (/mcp): tools and resources over the same services, keys and roles as GraphQL'],
  ['entry', '^src/[^/]+\\.ts$', 'wiring: app.ts builds one instance, server.ts listens, main.ts starts it (serve.ts, once NODE_ENV is set)'],
  ['cli', '^src/cli/', 'the axme command'],
];

const CLIENT = '^packages/client/';

const upwardRules = LAYERS.slice(0, -1).map(([name, path, what], i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `${name}-not-upward`,
    comment: `${name} (${what}) imports nothing from ${above.map(([n]) => n).join(', ')}.`,
    severity: 'error',
    from: { path },
    to: { path: above.map(([, p]) => p) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'no-cycles',
      comment: 'No module reaches itself through its imports: each floor, and each folder in it, reads top-down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'client-imports-nothing-from-server',
      comment:
        'The client is a separate package (@axme/client): it talks to the server only over GraphQL.',
      severity: 'error',
      from: { path: CLIENT },
      to: { path: '^src/' },
    },
    {
      name: 'server-imports-no-client',
      comment: 'Only the CLI uses the client; the server never calls itself over the network.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', CLIENT] },
      to: { path: CLIENT },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing would hide a dependency from every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 publishes no compiler API yet; swc parses the sources, type-only imports included
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|packages)/',
  },
};

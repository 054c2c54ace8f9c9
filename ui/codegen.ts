// Typed documents for the dashboard, from the checked-in schema and ui/src/operations.
// `npm run codegen` rewrites ui/src/generated as well; test/codegen.test.ts fails when stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['ui/src/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'ui/src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        // plain strings: the browser bundle needs no graphql parser
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
        importExtension: '.ts',
      },
    },
  },
};

export default config;

// Typed documents for the client SDK, from the checked-in schema and the operations
// in src/client. `npm run codegen` rewrites src/client/generated; a test fails when stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['src/client/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
        // Node runs the TypeScript as is, so imports name the .ts file
        importExtension: '.ts',
      },
    },
  },
};

export default config;

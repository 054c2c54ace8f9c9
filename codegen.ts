// Typed documents for the client SDK, from the checked-in schema and the operations
// in packages/client/src. `npm run codegen` rewrites packages/client/src/generated; a test fails when stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

/** One set of typed documents: operations from `documents` into `out` (ui/codegen.ts uses it too). */
export function typedDocuments(documents: string, out: string): CodegenConfig {
  return {
    schema: 'schema.graphql',
    documents: [documents],
    ignoreNoDocuments: false,
    generates: {
      [out]: {
        preset: 'client',
        presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
        config: {
          // plain strings: no graphql parser at run time (nor in the browser bundle)
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
}

export default typedDocuments('packages/client/src/operations/*.graphql', 'packages/client/src/generated/');

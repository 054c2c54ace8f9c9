// Writes schema.graphql from the Pothos builder; a test fails while the two differ.
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/schema/index.ts';

writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
console.log('wrote schema.graphql');

// Typed documents for the dashboard, from the checked-in schema and ui/src/operations.
// `npm run codegen` rewrites ui/src/generated as well; test/codegen.test.ts fails when stale.
import { typedDocuments } from '../codegen.ts';

export default typedDocuments('ui/src/operations/*.graphql', 'ui/src/generated/');

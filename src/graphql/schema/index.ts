import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../builder.ts';
import './scalars.ts';
import './enums.ts';
import './event.ts';
import './intent.ts';
import './lease.ts';
import './keys.ts';
import './recovery.ts';
import './approval.ts';
import './waits.ts';
import './subscriptions.ts';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema: GraphQLSchema = builder.toSchema();

/** The SDL checked in as schema.graphql: sorted, so diffs show real changes only. */
export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;

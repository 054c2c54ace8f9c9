import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { resolveOutsideBudget } from '../../db/budget.ts';
import { builder } from '../builder.ts';
import './scalars.ts';
import './enums.ts';
import './event.ts';
import './intent.ts';
import './intent-overview.ts';
import './lease.ts';
import './workers.ts';
import './keys.ts';
import './recovery.ts';
import './approval.ts';
import './waits.ts';
import './usage.ts';
import './steps.ts';
import './schedules.ts';
import './forks.ts';
import './budgets.ts';
import './subscriptions.ts';
import './streams.ts';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema: GraphQLSchema = builder.toSchema();

// a mutation's own writes are bounded by its input and must not stop halfway: only
// what its selection reads back counts against the request's database budget
resolveOutsideBudget(schema.getMutationType());

/** The SDL checked in as schema.graphql: sorted, so diffs show real changes only. */
export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;

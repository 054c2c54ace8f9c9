import SchemaBuilder from '@pothos/core';
import type { Context } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    // graphql-js turns every ID input into a string (an integer literal too), so resolvers get strings
    ID: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
});

/** The builder's type parameters, for helpers that build fields outside a builder callback. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { DATE_RANGE, dateInRange } from '../../core/validate.ts';
import { builder } from '../builder.ts';

builder.addScalarType('JSON', JSONResolver);

const inRange = (d: Date): Date => {
  // graphql-scalars accepts year 0000, which PostgreSQL has no such thing as
  if (!dateInRange(d)) throw new TypeError(`DateTime must be from ${DATE_RANGE}`);
  return d;
};

/**
 * graphql-scalars' DateTime, refusing variables no timestamptz column can hold (graphql
 * prefixes the error with the variable's path). Literals are refused by the input
 * guard's validation rule, which names the argument; validate.date checks again.
 */
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  parseValue: (value) => inRange(DateTimeResolver.parseValue(value) as Date),
});

builder.addScalarType('DateTime', DateTime);

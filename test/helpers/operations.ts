/**
 * One sample operation for every root field of the schema, with values for its
 * required arguments built from their types. Tests walk these, so an operation
 * added later is covered without anyone remembering to add it.
 */
import {
  type GraphQLArgument, type GraphQLInputType, type GraphQLOutputType, getNamedType, isEnumType, isInputObjectType,
  isListType, isNonNullType, isObjectType, isScalarType,
} from 'graphql';
import { schema } from '../../src/graphql/schema/index.ts';

export interface SampleOperation {
  kind: 'query' | 'mutation' | 'subscription';
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

export interface SampleValues {
  /** The value for an ID argument or input field, by its name (id, intentId, approvalId, leaseToken, ...). */
  id: (name: string) => string;
  string?: (name: string) => string;
}

const NIL_ID = '01900000-0000-7000-8000-000000000000';

function sampleInput(type: GraphQLInputType, name: string, v: SampleValues, all: boolean): unknown {
  if (isNonNullType(type)) return sampleInput(type.ofType, name, v, all);
  if (isListType(type)) return [sampleInput(type.ofType, name, v, all)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (all || isNonNullType(f.type)) out[f.name] = sampleInput(f.type, f.name, v, all);
    }
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID': return v.id(name);
      case 'Int': return 1;
      case 'Float': return 1.5;
      case 'Boolean': return true;
      case 'DateTime': return new Date(Date.now() + 3_600_000).toISOString();
      case 'JSON': return { sample: true };
      default: return v.string?.(name) ?? 'sample.value';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

function selection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  // every scalar field one level deep: enough to show whether data leaks
  const scalars = Object.values(named.getFields())
    .filter((f) => !isObjectType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)))
    .map((f) => f.name);
  return ` { ${scalars.join(' ')} }`;
}

/** `all`: also fill optional arguments (fuzzing); otherwise only required ones. */
export function sampleOperations(v: SampleValues = { id: () => NIL_ID }, all = false): SampleOperation[] {
  const out: SampleOperation[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  for (const [kind, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const args = field.args.filter((a: GraphQLArgument) => all || isNonNullType(a.type));
      const variables: Record<string, unknown> = {};
      for (const a of args) variables[a.name] = sampleInput(a.type, a.name, v, all);
      const decl = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const use = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const query = `${kind}${decl ? `(${decl})` : ''} { ${field.name}${use ? `(${use})` : ''}${selection(field.type)} }`;
      out.push({ kind, field: field.name, query, variables });
    }
  }
  return out;
}

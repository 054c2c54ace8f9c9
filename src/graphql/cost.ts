/**
 * The cost of an operation, from the arguments it is actually sent: literals,
 * variables, variable defaults and schema defaults. Each object a field may return
 * costs 1; a list field returns as many objects as its size argument says (or its
 * default page when none is sent); everything below a list is multiplied by that
 * size. Leaves are free, except fields that run a query of their own (`cost` in
 * the field's extensions, e.g. totalCount) and root fields, which cost 1 at least.
 */
import {
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLNamedType,
  type GraphQLSchema, type SelectionSetNode, type ValueNode, type VariableDefinitionNode, Kind, getNamedType,
  getNullableType, getOperationAST, isInterfaceType, isListType, isObjectType,
} from 'graphql';

/** How many items a list field returns: `extensions: listSize(...)` on its definition. */
export interface ListSize {
  /** The argument that sizes it: a number (`first`, `input.limit`), or a list whose length it is (`input.items`). */
  arg?: string;
  /** The size when that argument is absent or null: the resolver's default page, or for a list without one the most it is taken to hold. */
  default: number;
  /** The largest size the resolver accepts: a larger argument is refused there, so it costs no more than this here. */
  max?: number;
  /** On a connection: the list fields below it (nodes, edges) that its argument sizes. */
  sized?: readonly string[];
}

export const listSize = (s: ListSize) => ({ listSize: s });

/** A leaf that runs a query of its own costs this per time it is resolved. */
export const leafCost = (cost: number) => ({ cost });

/** What a list of objects without declared size is taken to hold (a test keeps the schema free of them). */
export const UNDECLARED_LIST_SIZE = 100;

type Variables = Record<string, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
  defaults: Map<string, ValueNode>;
  /** Set once the cost depended on a variable: it is then not the document's alone. */
  readVariables: boolean;
}

/**
 * Costs that depend on the document alone (no list sized and no field skipped by a
 * variable), by schema, document and operation name: a worker sends the same few
 * documents thousands of times, and the parser cache hands back the same document object.
 */
const fixedCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string | null, number>>>();

/** The operation's cost; 0 when there is no such operation (execution will say why). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown): number {
  let bySchema = fixedCosts.get(schema);
  if (!bySchema) fixedCosts.set(schema, (bySchema = new WeakMap()));
  const known = bySchema.get(document)?.get(operationName ?? null);
  if (known !== undefined) return known;
  const op = getOperationAST(document, operationName);
  const root = op && schema.getRootType(op.operation);
  if (!op || !root) return 0;
  const w: Walk = {
    schema,
    fragments: new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d])),
    variables: variables && typeof variables === 'object' ? (variables as Variables) : {},
    defaults: new Map((op.variableDefinitions ?? []).filter((d): d is VariableDefinitionNode & { defaultValue: ValueNode } => !!d.defaultValue)
      .map((d) => [d.variable.name.value, d.defaultValue])),
    readVariables: false,
  };
  const cost = selectionCost(w, op.selectionSet, root, 1, null, true, new Set());
  if (!w.readVariables) {
    let byName = bySchema.get(document);
    if (!byName) bySchema.set(document, (byName = new Map()));
    byName.set(operationName ?? null, cost);
  }
  return cost;
}

interface Sized {
  names: readonly string[];
  size: number;
}

function selectionCost(
  w: Walk, set: SelectionSetNode, type: GraphQLNamedType, times: number, sized: Sized | null, root: boolean, spreading: Set<string>,
): number {
  let cost = 0;
  for (const sel of set.selections) {
    if (skipped(w, sel)) continue;
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? w.schema.getType(sel.typeCondition.name.value) ?? type : type;
      cost += selectionCost(w, sel.selectionSet, on, times, sized, root, spreading);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const f = w.fragments.get(sel.name.value);
      // validation refuses fragment cycles; this only keeps a bad document from looping here
      if (!f || spreading.has(f.name.value)) continue;
      const on = w.schema.getType(f.typeCondition.name.value) ?? type;
      cost += selectionCost(w, f.selectionSet, on, times, sized, root, new Set([...spreading, f.name.value]));
    } else {
      cost += fieldCost(w, sel, type, times, sized, root, spreading);
    }
  }
  return cost;
}

function fieldCost(w: Walk, node: FieldNode, parent: GraphQLNamedType, times: number, sized: Sized | null, root: boolean, spreading: Set<string>): number {
  const name = node.name.value;
  // __typename and introspection read no data
  if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
  const def = parent.getFields()[name];
  if (!def) return 0;
  const ext = def.extensions as { listSize?: ListSize; cost?: number };
  const named = getNamedType(def.type);
  if (!node.selectionSet) return times * (ext.cost ?? (root ? 1 : 0));
  let size = 1;
  if (isListType(getNullableType(def.type))) {
    size = sized?.names.includes(name) ? sized.size : ext.listSize ? sizeOf(w, ext.listSize, def, node) : UNDECLARED_LIST_SIZE;
  }
  // a connection's argument sizes its nodes and edges, not the connection itself
  const below = ext.listSize?.sized ? { names: ext.listSize.sized, size: sizeOf(w, ext.listSize, def, node) } : null;
  return times * size + selectionCost(w, node.selectionSet, named, times * size, below, false, spreading);
}

function sizeOf(w: Walk, s: ListSize, def: GraphQLField<unknown, unknown>, node: FieldNode): number {
  if (!s.arg) return s.default;
  const [argName, ...path] = s.arg.split('.');
  const arg = node.arguments?.find((a) => a.name.value === argName);
  const value = arg ? valueAt(w, arg.value, path) : at(def.args.find((a) => a.name === argName)?.defaultValue, path);
  const n = typeof value === 'number' ? value : Array.isArray(value) ? value.length : value && typeof value === 'object' ? 1 : null;
  // anything else (null, a string) is the default, or refused when the variables are coerced
  if (n === null || !Number.isFinite(n)) return s.default;
  return Math.max(0, Math.min(Math.trunc(n), s.max ?? Infinity));
}

/** The value at `path` inside an argument, following variables (and their defaults) as sent. */
function valueAt(w: Walk, node: ValueNode, path: readonly string[]): unknown {
  if (node.kind === Kind.VARIABLE) {
    w.readVariables = true;
    const name = node.name.value;
    if (w.variables[name] !== undefined) return at(w.variables[name], path);
    const def = w.defaults.get(name);
    return def ? valueAt(w, def, path) : undefined;
  }
  if (path.length > 0) {
    if (node.kind !== Kind.OBJECT) return undefined;
    const field = node.fields.find((f) => f.name.value === path[0]);
    return field ? valueAt(w, field.value, path.slice(1)) : undefined;
  }
  switch (node.kind) {
    case Kind.INT: return Number.parseInt(node.value, 10);
    case Kind.BOOLEAN: return node.value;
    // a list's length is what sizes it, whatever its items are
    case Kind.LIST: return node.values;
    case Kind.OBJECT: return {};
    default: return undefined;
  }
}

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** @skip(if: true) and @include(if: false), with the variables as sent. */
function skipped(w: Walk, sel: { directives?: readonly { name: { value: string }; arguments?: readonly { value: ValueNode }[] }[] }): boolean {
  for (const d of sel.directives ?? []) {
    const v = d.arguments?.[0] ? valueAt(w, d.arguments[0].value, []) : undefined;
    if (d.name.value === 'skip' && v === true) return true;
    if (d.name.value === 'include' && v === false) return true;
  }
  return false;
}

import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { allows, requiredRole } from '../../core/roles.ts';
import type { Context } from '../context.ts';

/**
 * Refuses, before anything runs, a request whose key was refused (UNAUTHENTICATED)
 * and an operation whose root fields need a role the caller lacks (FORBIDDEN).
 */
export function useRoles(): Plugin<Context> {
  const check = (document: DocumentNode, operationName: string | null | undefined, ctx: Context): GraphQLError | null => {
    if (ctx.auth.refused) return new GraphQLError(ctx.auth.refused, { extensions: { code: 'UNAUTHENTICATED' } });
    const op = pickOperation(document, operationName);
    if (!op) return null;
    for (const field of rootFields(op.selectionSet, document)) {
      const need = requiredRole(op.operation, field);
      if (!allows(ctx.auth.role, need)) {
        return new GraphQLError(`${field} needs the ${need} role; this key is ${ctx.auth.role}`, {
          extensions: { code: 'FORBIDDEN', field, required: need },
        });
      }
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = check(args.document, args.operationName, args.contextValue);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = check(args.document, args.operationName, args.contextValue);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}

function pickOperation(doc: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? ops.find((o) => o.name?.value === name) : ops[0];
}

/** Root field names, looking through fragments so a spread cannot hide a field. */
function rootFields(set: SelectionSetNode, doc: DocumentNode, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(s.selectionSet, doc, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const frag = doc.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
      if (frag && frag.kind === Kind.FRAGMENT_DEFINITION) out.push(...rootFields(frag.selectionSet, doc, seen));
    }
  }
  return out;
}

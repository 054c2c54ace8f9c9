import {
  type ASTNode, type ASTVisitor, type GraphQLInputType, type GraphQLSchema, type ValidationContext, type ValueNode, GraphQLError,
  Kind, getOperationAST, isInputObjectType, isListType, isNonNullType, isScalarType, typeFromAST,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DATE_RANGE, badCharacter, dateInRange } from '../../core/validate.ts';

export interface InputGuardOptions {
  /**
   * The deepest `{`, `[` and `(` may nest in an operation's text. graphql's parser
   * recurses once per level, so a 2,000-deep list literal would exhaust the stack.
   * Default 128: selections nest at most AXME_MAX_DEPTH deep, JSON values MAX_JSON_DEPTH.
   */
  maxNesting?: number;
}

/**
 * Input no column can store, refused before anything runs and with the field named:
 * NUL characters and unpaired surrogates in String and ID arguments, from variables
 * and literals alike, so no resolver or filter has to remember to check; DateTime
 * literals outside what a timestamptz holds (variables are refused by the scalar,
 * whose error graphql prefixes with the path); and operations nested too deep to
 * parse. JSON arguments are left to the service, which checks each payload on its
 * own (validate.payload), so one bad item of a batch fails alone. Every refusal is
 * BAD_USER_INPUT.
 */
export function useInputGuard(o: InputGuardOptions = {}): Plugin {
  const maxNesting = o.maxNesting ?? 128;
  const checkVariables = ({ args, setResultAndStopExecution }: {
    args: { schema: GraphQLSchema; document: Parameters<typeof getOperationAST>[0]; operationName?: string | null | undefined; variableValues?: unknown };
    setResultAndStopExecution: (r: { errors: GraphQLError[] }) => void;
  }) => {
    const error = badVariable(args.schema, args.document, args.operationName, args.variableValues);
    if (error) setResultAndStopExecution({ errors: [error] });
  };
  return {
    onParse({ params }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (nestedDeeperThan(text, maxNesting)) {
        throw new GraphQLError(`the operation nests brackets deeper than ${maxNesting} levels`, {
          extensions: { code: 'BAD_USER_INPUT', limit: maxNesting },
        });
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(storableLiterals);
    },
    onExecute: checkVariables,
    onSubscribe: checkVariables,
  };
}

/** Says what is wrong, e.g. "contains a NUL character (U+0000), which cannot be stored". */
type Report = (path: string, problem: string) => void;

const unstorable = (bad: string) => `contains ${bad}, which cannot be stored`;

const isText = (t: GraphQLInputType) => isScalarType(t) && (t.name === 'String' || t.name === 'ID');

/** Walks a variable's value along its type, checking String and ID leaves (JSON is the service's). */
function walkValue(value: unknown, type: GraphQLInputType, path: string, report: Report): void {
  if (value == null) return;
  if (isNonNullType(type)) return walkValue(value, type.ofType, path, report);
  if (isListType(type)) {
    // a single value where a list is expected is coerced into a list of one
    if (!Array.isArray(value)) return walkValue(value, type.ofType, path, report);
    value.forEach((v, i) => walkValue(v, type.ofType, `${path}[${i}]`, report));
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object') return;
    const fields = type.getFields();
    for (const [k, v] of Object.entries(value)) {
      const f = fields[k];
      if (f) walkValue(v, f.type, `${path}.${k}`, report);
    }
    return;
  }
  if (isText(type) && typeof value === 'string') {
    const bad = badCharacter(value);
    if (bad) report(path, unstorable(bad));
  }
}

/** The same walk over a literal in the operation's text. */
function walkLiteral(node: ValueNode, type: GraphQLInputType, path: string, report: Report): void {
  if (isNonNullType(type)) return walkLiteral(node, type.ofType, path, report);
  if (isListType(type)) {
    if (node.kind !== Kind.LIST) return walkLiteral(node, type.ofType, path, report);
    node.values.forEach((v, i) => walkLiteral(v, type.ofType, `${path}[${i}]`, report));
    return;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return;
    const fields = type.getFields();
    for (const f of node.fields) {
      const def = fields[f.name.value];
      if (def) walkLiteral(f.value, def.type, `${path}.${f.name.value}`, report);
    }
    return;
  }
  if (isText(type) && node.kind === Kind.STRING) {
    const bad = badCharacter(node.value);
    if (bad) report(path, unstorable(bad));
  }
  if (isScalarType(type) && type.name === 'DateTime' && node.kind === Kind.STRING) {
    const d = new Date(node.value);
    if (!Number.isNaN(d.getTime()) && !dateInRange(d)) report(path, `must be from ${DATE_RANGE}`);
  }
}

const refusal = (message: string, path: string, nodes?: ASTNode) =>
  new GraphQLError(message, { nodes, extensions: { code: 'BAD_USER_INPUT', field: path } });

function badVariable(schema: GraphQLSchema, document: Parameters<typeof getOperationAST>[0], operationName: string | null | undefined, variables: unknown): GraphQLError | null {
  if (!variables || typeof variables !== 'object') return null;
  const op = getOperationAST(document, operationName);
  let error: GraphQLError | null = null;
  for (const def of op?.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    const name = def.variable.name.value;
    if (!type || error) continue;
    walkValue((variables as Record<string, unknown>)[name], type, name, (path, problem) => {
      error ??= refusal(`Variable "$${name}" at "${path}" ${problem}`, path, def);
    });
  }
  return error;
}

/** A validation rule, so its answer is cached with the parsed document. */
function storableLiterals(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      const arg = context.getArgument();
      if (!arg) return;
      walkLiteral(node.value, arg.type, node.name.value, (path, problem) => {
        context.reportError(refusal(`${path} ${problem}`, path, node));
      });
    },
  };
}

/** Whether brackets nest deeper than `limit`, outside strings and comments; stops at the first level too deep. */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        // a block string escapes only \"""
        let at = end;
        while (at > 0 && text[at - 1] === '\\') at = text.indexOf('"""', at + 3);
        if (at < 0) return false;
        i = at + 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth--;
    }
  }
  return false;
}

import type { Span } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Tracing } from '../../telemetry/tracing.ts';
import type { Context } from '../context.ts';
import { publicCode } from './error-codes.ts';

/**
 * A SERVER span per GraphQL operation (each of a batch), a child of the caller's
 * trace when the request carries a W3C `traceparent`. Named `mutation submitIntent`
 * (the operation's name, or its first field when anonymous); the database spans
 * and the intent the operation changed hang off it (src/telemetry/traced-db.ts, traceChanges).
 * Operations over graphql-ws (src/graphql/ws.ts calls getEnveloped itself) are not traced.
 */
export function useTracing(t: Tracing): Plugin<Partial<Context>> {
  const { api, tracer } = t;
  // keyed by the operation's context object, which yoga extends in place through every phase
  const spans = new WeakMap<object, Span>();
  const failed = (span: Span | undefined, code: string) => {
    span?.setAttributes({ 'axme.error.code': code, 'error.type': code });
    span?.setStatus({ code: api.SpanStatusCode.ERROR, message: code });
  };
  return {
    instrumentation: {
      async operation({ context, request }, wrapped) {
        const parent = t.extract(request.headers);
        const span = tracer.startSpan('graphql', { kind: api.SpanKind.SERVER }, parent);
        spans.set(context, span);
        try {
          await api.context.with(api.trace.setSpan(parent, span), wrapped);
        } catch (err) {
          // a parse error or a failure outside execution; yoga answers it with this code
          failed(span, publicCode((err as GraphQLError).extensions?.code));
          throw err;
        } finally {
          span.end();
        }
      },
    },
    onValidate({ context, params }) {
      const span = spans.get(context);
      if (span) describe(span, params.documentAST, (context as { params?: { operationName?: string } }).params?.operationName);
    },
    onContextBuilding() {
      return ({ context }) => {
        const namespace = context.caller?.namespace;
        if (namespace) spans.get(context)?.setAttribute('axme.namespace', namespace);
      };
    },
    onExecutionResult({ result, context }) {
      const errors = result && 'errors' in result ? (result.errors as readonly GraphQLError[] | undefined) : undefined;
      if (errors?.length) failed(spans.get(context), publicCode(errors[0]!.extensions?.code));
    },
  };
}

function describe(span: Span, document: DocumentNode, operationName: string | undefined): void {
  const op = getOperationAST(document, operationName);
  if (!op) return;
  const field = op.selectionSet.selections.find((s) => s.kind === 'Field');
  const name = op.name?.value ?? (field?.kind === 'Field' ? field.name.value : undefined);
  span.updateName(name ? `${op.operation} ${name}` : op.operation);
  span.setAttribute('graphql.operation.type', op.operation);
  if (op.name) span.setAttribute('graphql.operation.name', op.name.value);
}

import { McpServer, ResourceTemplate, type CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { Auth } from '../auth/authenticate.ts';
import { AxmeError } from '../core/errors.ts';
import type { Intent } from '../core/model.ts';
import { allows, MUTATION_ROLES, type Role } from '../core/roles.ts';
import { StreamEnd } from '../live/event-stream.ts';
import type { LiveService } from '../live/service.ts';
import type { Services } from '../services/index.ts';
import { encodeListCursor } from '../store/list.ts';

/**
 * The MCP face of Axme: tools an LLM calls, each mapped to the service a GraphQL
 * mutation or query calls, under the same caller (namespace) and the role that
 * mutation needs (src/core/roles.ts). One McpServer is built per request (the
 * 2026-07-28 transport is per-request), bound to who the request is.
 */

/** An intent whose JSON is longer than this comes back as a resource_link to axme://intents/{id}, not inline. */
export const INLINE_MAX_BYTES = 16 * 1024;
/** The longest one await_intent call waits before answering with the current state. */
export const AWAIT_MAX_SECONDS = 30;

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

const json = z.unknown();
const intentOut = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(STATUSES),
  waitingFor: z.string().nullable(),
  attempt: z.number(),
  labels: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  /** Absent when the intent is over INLINE_MAX_BYTES: read `resourceUri` instead. */
  input: json.optional(),
  output: json.optional(),
  error: json.optional(),
  checkpoint: json.optional(),
  progress: json.optional(),
  /** True when input, output, error, checkpoint and progress were left out for size. */
  truncated: z.boolean(),
  resourceUri: z.string(),
});

function intentJson(i: Intent) {
  return {
    id: i.id, type: i.type, status: i.status, waitingFor: i.waitingFor, attempt: i.attempt, labels: i.labels,
    createdAt: i.createdAt.toISOString(), updatedAt: i.updatedAt.toISOString(),
    finishedAt: i.finishedAt?.toISOString() ?? null, deadline: i.deadline?.toISOString() ?? null,
    input: i.input, output: i.output, error: i.error, checkpoint: i.checkpoint, progress: i.progress,
  };
}

export const intentUri = (id: string) => `axme://intents/${id}`;

/** The intent inline, or (over INLINE_MAX_BYTES) its summary and a resource_link to the whole. */
function intentView(i: Intent) {
  const full = intentJson(i);
  const text = JSON.stringify(full);
  const uri = intentUri(i.id);
  if (Buffer.byteLength(text) <= INLINE_MAX_BYTES) return { view: { ...full, truncated: false, resourceUri: uri }, link: null };
  const { input: _i, output: _o, error: _e, checkpoint: _c, progress: _p, ...summary } = full;
  return { view: { ...summary, truncated: true, resourceUri: uri }, link: uri };
}

export function intentResult<T extends Record<string, unknown>>(i: Intent, extra?: T): CallToolResult {
  const { view, link } = intentView(i);
  const structured = { ...view, ...extra };
  const content: CallToolResult['content'] = [{ type: 'text', text: JSON.stringify(structured) }];
  if (link) {
    content.push({ type: 'resource_link', uri: link, name: `intent ${i.id}`, mimeType: 'application/json', description: `the whole intent (over ${INLINE_MAX_BYTES} bytes)` });
  }
  return { content, structuredContent: structured };
}

function errorResult(err: unknown): CallToolResult {
  if (err instanceof AxmeError) {
    return { isError: true, content: [{ type: 'text', text: `${err.code}: ${err.message}` }] };
  }
  throw err;
}

function need(auth: Auth, role: Role, what: string): void {
  if (!allows(auth.role, role)) throw new AxmeError('FORBIDDEN', `the key's role ${auth.role} may not ${what} (needs ${role})`);
}

/** Runs a tool body; Axme's own errors (NOT_FOUND, CONFLICT, FORBIDDEN ...) become tool errors the model can read. */
async function run(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    return errorResult(err);
  }
}

const approvalOut = z.object({
  id: z.string(),
  intentId: z.string(),
  type: z.string(),
  title: z.string(),
  description: z.string().nullable().describe('for an axme.escalation: the attempts and the last error'),
  options: z.array(z.string()),
  assignees: z.array(z.string()),
  formSchema: json.nullable(),
  requireComment: z.boolean(),
  status: z.string(),
  outcome: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});

/** The Tasks extension's id (tasks.ts serves it); advertised in the server's capabilities. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

const submitInput = z.object({
  type: z.string().min(1).describe('the intent type, e.g. "research.answer"'),
  input: json.optional().describe('the JSON input of the work'),
  idempotencyKey: z.string().optional().describe('the same key and input return the same intent; the same key with other input is a CONFLICT'),
  labels: z.array(z.string()).optional().describe('labels to filter by later'),
  deadline: z.string().datetime({ offset: true }).optional().describe('ISO 8601 time after which an unfinished intent fails with DEADLINE_EXCEEDED'),
});
export type SubmitArgs = z.infer<typeof submitInput>;

/** submit_intent's arguments, checked as the SDK checks them for a plain tools/call. */
export function submitArgs(v: unknown): SubmitArgs {
  const r = submitInput.safeParse(v ?? {});
  if (!r.success) throw new AxmeError('BAD_USER_INPUT', `invalid submit_intent arguments: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export interface McpDeps {
  services: Services;
  live: LiveService;
}

export function createMcpServer(d: McpDeps, auth: Auth): McpServer {
  const { services, live } = d;
  const caller = auth.caller;
  const server = new McpServer(
    { name: 'axme', version: '0.1.0' },
    {
      // tasks.ts answers the extension's traffic; a client declaring it gets submit_intent as a task
      capabilities: { extensions: { [TASKS_EXTENSION]: {} } },
      instructions:
        'Axme keeps durable state for agent work. Submit work as an intent (submit_intent), then await_intent until it is COMPLETED, FAILED or CANCELLED. ' +
        'Intents WAITING for an approval need a human decision: list_approvals and decide_approval. ' +
        `An intent whose JSON is over ${INLINE_MAX_BYTES / 1024} KiB comes back without input, output, error, checkpoint and progress (truncated: true) and with a resource_link to axme://intents/{id}: read that resource for the whole.`,
    },
  );

  server.registerTool('submit_intent', {
    title: 'Submit an intent',
    description:
      'Submit a unit of work (an intent) for an agent to run. `type` names the kind of work (for example "research.answer"; list_intent_types shows the types in use); `input` is its JSON input. ' +
      'Pass an `idempotencyKey` so a retried call returns the same intent instead of a second one. Returns the intent (status PENDING); follow it with await_intent. ' +
      'A client that negotiated the MCP Tasks extension gets a task backed by the intent instead.',
    inputSchema: submitInput,
    outputSchema: intentOut,
    annotations: { idempotentHint: true, destructiveHint: false, openWorldHint: false },
  }, (a) => run(async () => {
    need(auth, MUTATION_ROLES.submitIntent!, 'submit intents');
    const i = await services.intents.submit(caller, {
      type: a.type, input: a.input ?? null, idempotencyKey: a.idempotencyKey ?? null, labels: a.labels ?? null,
      deadline: a.deadline ? new Date(a.deadline) : null,
    });
    return intentResult(i);
  }));

  server.registerTool('list_intent_types', {
    title: 'List intent types',
    description:
      'The intent types this namespace uses, to pick a `type` for submit_intent: those among the newest 1,000 intents (with how many, when last submitted, ' +
      'and the newest one\'s input as an example of the input shape), and those with a retry policy or a pause (a paused type is not claimed until resumed). ' +
      'Axme keeps no registry of input schemas: `inputSchema` is null and the example input shows the shape agents have used.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      types: z.array(z.object({
        type: z.string(), recent: z.number(), lastSubmittedAt: z.string().nullable(), inputSchema: z.null(),
        exampleInput: json.optional(), paused: z.boolean(), hasPolicy: z.boolean(),
      })),
    }),
    annotations: { readOnlyHint: true },
  }, () => run(async () => {
    const types = (await services.intents.knownTypes(caller)).map((t) => {
      // an example is a hint, not a payload: a large one is left out
      const small = t.exampleInput !== null && Buffer.byteLength(JSON.stringify(t.exampleInput)) <= 2_048;
      return {
        type: t.type, recent: t.recent, lastSubmittedAt: t.lastSubmittedAt?.toISOString() ?? null, inputSchema: null,
        ...(small ? { exampleInput: t.exampleInput } : {}), paused: t.paused, hasPolicy: t.hasPolicy,
      };
    });
    const out = { types };
    return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
  }));

  server.registerTool('get_intent', {
    title: 'Get an intent',
    description:
      'The current state of one intent by id: status (PENDING, RUNNING, WAITING, COMPLETED, FAILED, CANCELLED), output when COMPLETED, error when FAILED. ' +
      `Over ${INLINE_MAX_BYTES / 1024} KiB of JSON it comes back as a summary (truncated: true) with a resource_link to axme://intents/{id}, which resources/read returns whole.`,
    inputSchema: z.object({ id: z.string().describe('the intent id') }),
    outputSchema: intentOut,
    annotations: { readOnlyHint: true },
  }, (a) => run(async () => intentResult(await mustGet(services, caller, a.id))));

  server.registerTool('list_intents', {
    title: 'List intents',
    description: 'Intents newest first, optionally filtered by status, type and labels. Pass `after` (the previous page\'s `endCursor`) for the next page.',
    inputSchema: z.object({
      statuses: z.array(z.enum(STATUSES)).optional(),
      types: z.array(z.string()).optional(),
      labels: z.array(z.string()).optional().describe('intents carrying all these labels'),
      first: z.number().int().min(1).max(100).optional().describe('page size, default 20'),
      after: z.string().optional().describe('cursor from the previous page'),
    }),
    outputSchema: z.object({
      intents: z.array(z.object({ id: z.string(), type: z.string(), status: z.enum(STATUSES), waitingFor: z.string().nullable(), createdAt: z.string(), resourceUri: z.string() })),
      hasNextPage: z.boolean(),
      endCursor: z.string().nullable(),
    }),
    annotations: { readOnlyHint: true },
  }, (a) => run(async () => {
    const page = await services.intents.list(caller, {
      filter: { statuses: a.statuses ?? null, types: a.types ?? null, labels: a.labels ?? null }, first: a.first ?? 20, after: a.after ?? null,
    });
    const last = page.intents.at(-1);
    const out = {
      intents: page.intents.map((i) => ({ id: i.id, type: i.type, status: i.status, waitingFor: i.waitingFor, createdAt: i.createdAt.toISOString(), resourceUri: intentUri(i.id) })),
      hasNextPage: page.hasNextPage,
      endCursor: last ? encodeListCursor(last) : null,
    };
    return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
  }));

  server.registerTool('await_intent', {
    title: 'Wait for an intent',
    description:
      `Wait up to \`timeoutSeconds\` (at most ${AWAIT_MAX_SECONDS}, default 20) for an intent to finish (COMPLETED, FAILED or CANCELLED) or to need a human (WAITING for an approval), ` +
      'then return its current state; it returns as soon as the intent gets there. When `done` is false it is still running: call await_intent again with the same id to keep waiting.',
    inputSchema: z.object({
      id: z.string().describe('the intent id'),
      timeoutSeconds: z.number().min(0).max(AWAIT_MAX_SECONDS).optional(),
    }),
    outputSchema: intentOut.extend({
      done: z.boolean().describe('the intent is finished'),
      needsInput: z.boolean().describe('the intent waits for a human approval: see list_approvals'),
      keepWaiting: z.object({ tool: z.literal('await_intent'), id: z.string() }).nullable().describe('call this to keep waiting'),
    }),
    annotations: { readOnlyHint: true },
  }, (a, ctx) => run(async () => {
    const i = await awaitSettled(services, live, caller, a.id, (a.timeoutSeconds ?? 20) * 1000, ctx.mcpReq.signal);
    const done = TERMINAL.has(i.status);
    return intentResult(i, {
      done, needsInput: i.status === 'WAITING' && i.waitingFor === 'APPROVAL',
      keepWaiting: done ? null : { tool: 'await_intent' as const, id: i.id },
    });
  }));

  server.registerTool('cancel_intent', {
    title: 'Cancel an intent',
    description: 'Cancel a PENDING, RUNNING or WAITING intent (and its unfinished children). A finished intent answers CONFLICT.',
    inputSchema: z.object({ id: z.string(), reason: z.string().optional() }),
    outputSchema: intentOut,
    annotations: { destructiveHint: true, idempotentHint: true },
  }, (a) => run(async () => {
    need(auth, MUTATION_ROLES.cancelIntent!, 'cancel intents');
    return intentResult(await services.intents.cancel(caller, a.id, a.reason ?? null));
  }));

  server.registerTool('retry_intent', {
    title: 'Retry an intent',
    description: 'Run a FAILED or CANCELLED intent again under the same id, keeping its input, checkpoint and history.',
    inputSchema: z.object({ id: z.string() }),
    outputSchema: intentOut,
    annotations: { destructiveHint: false },
  }, (a) => run(async () => {
    need(auth, MUTATION_ROLES.retryIntent!, 'retry intents');
    return intentResult(await services.intents.retry(caller, a.id));
  }));

  server.registerTool('signal_intent', {
    title: 'Signal an intent',
    description: 'Send a named event with a JSON payload to an intent (an agent waiting for that signal wakes; one sent early is kept until it waits).',
    inputSchema: z.object({ id: z.string(), name: z.string().min(1), payload: json.optional() }),
    outputSchema: z.object({ id: z.string(), intentId: z.string(), name: z.string(), consumed: z.boolean() }),
  }, (a) => run(async () => {
    need(auth, MUTATION_ROLES.signalIntent!, 'signal intents');
    const s = await services.waits.signalIntent(caller, { id: a.id, name: a.name, payload: a.payload ?? null });
    const out = { id: s.id, intentId: s.intentId, name: s.name, consumed: s.consumedAt != null };
    return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
  }));

  server.registerTool('list_approvals', {
    title: 'List approvals',
    description: 'Approvals humans are asked for, newest first (default: the PENDING ones). Each has `options` to choose from and, when set, a JSON Schema `formSchema` its `data` must satisfy.',
    inputSchema: z.object({
      statuses: z.array(z.enum(['PENDING', 'RESOLVED', 'EXPIRED', 'ESCALATED', 'CANCELLED'])).optional(),
      intentId: z.string().optional(),
      first: z.number().int().min(1).max(100).optional(),
    }),
    outputSchema: z.object({ approvals: z.array(approvalOut), hasNextPage: z.boolean() }),
    annotations: { readOnlyHint: true },
  }, (a) => run(async () => {
    const page = await services.approvals.approvals(caller, { statuses: (a.statuses ?? ['PENDING']) as never, intentId: a.intentId ?? null, first: a.first ?? 20 });
    const out = {
      approvals: page.approvals.map((p) => ({
        id: p.id, intentId: p.intentId, type: p.type, title: p.title, description: p.description, options: p.options, assignees: p.assignees,
        formSchema: p.formSchema, requireComment: p.requireComment, status: p.status, outcome: p.outcome,
        createdAt: p.createdAt.toISOString(), expiresAt: p.expiresAt?.toISOString() ?? null,
      })),
      hasNextPage: page.hasNextPage,
    };
    return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
  }));

  server.registerTool('decide_approval', {
    title: 'Decide an approval',
    description: 'Resolve a pending approval with one of its `options` (e.g. "approve" or "reject"), an optional comment, and `data` matching its formSchema. The intent then resumes.',
    inputSchema: z.object({
      approvalId: z.string(),
      outcome: z.string().describe('one of the approval\'s options'),
      comment: z.string().optional(),
      data: json.optional().describe('the form answer, validated against the approval\'s formSchema'),
    }),
    outputSchema: z.object({
      id: z.string(), intentId: z.string(), status: z.string(), outcome: z.string().nullable(),
      result: json.nullable().describe('engine approvals: what the decision did, e.g. {forkedTo} for an axme.escalation fork'),
    }),
  }, (a) => run(async () => {
    need(auth, MUTATION_ROLES.resolveApproval!, 'decide approvals');
    const p = await services.approvals.resolveApproval(caller, { approvalId: a.approvalId, outcome: a.outcome, comment: a.comment ?? null, data: a.data ?? null });
    const out = { id: p.id, intentId: p.intentId, status: p.status, outcome: p.outcome, result: p.result ?? null };
    return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
  }));

  server.registerResource('intent', new ResourceTemplate('axme://intents/{id}', { list: undefined }), {
    title: 'An intent, whole',
    description: 'One intent as JSON, with its input, output, error, checkpoint and progress however large.',
    mimeType: 'application/json',
  }, async (uri, vars) => {
    const id = String(vars.id);
    const i = await mustGet(services, caller, id);
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(intentJson(i)) }] };
  });

  return server;
}

const settled = (i: Intent) => TERMINAL.has(i.status) || (i.status === 'WAITING' && i.waitingFor === 'APPROVAL');

/**
 * The intent once it is finished or needs a human, or as it is after `ms`: woken by
 * its events on the live feed (any instance), not by polling. The watch is the
 * intent's state first, then again after each change.
 */
async function awaitSettled(services: Services, live: LiveService, caller: Auth['caller'], id: string, ms: number, signal: AbortSignal): Promise<Intent> {
  const now = await mustGet(services, caller, id);
  if (settled(now) || ms <= 0) return now;
  let watch;
  try {
    watch = await live.intentChanged(caller, id);
  } catch (err) {
    // shutting down: answer with the state now, the caller keeps waiting elsewhere
    if (err instanceof AxmeError && err.code === 'CONFLICT') return now;
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const stop = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([watch.next(), stop.then(() => null)]);
      if (next === null || next.done || next.value instanceof StreamEnd) break;
      if (settled(next.value)) return next.value;
    }
  } finally {
    clearTimeout(timer);
    await watch.return();
  }
  return mustGet(services, caller, id);
}

async function mustGet(services: Services, caller: Auth['caller'], id: string): Promise<Intent> {
  const i = await services.intents.get(caller, id);
  if (!i) throw new AxmeError('NOT_FOUND', `no intent ${id}`);
  return i;
}

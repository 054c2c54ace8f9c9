import type { Auth } from '../auth/authenticate.ts';
import { AxmeError } from '../core/errors.ts';
import type { Intent } from '../core/model.ts';
import { allows, MUTATION_ROLES, type Role } from '../core/roles.ts';
import type { Services } from '../services/index.ts';
import type { Approval } from '../store/approvals.ts';
import { intentResult, type SubmitArgs, submitArgs, TASKS_EXTENSION } from './tools.ts';

/**
 * The MCP Tasks extension (io.modelcontextprotocol/tasks, 2026-07-28 "V2" wire shapes),
 * served by Axme itself: the SDK's server has no Tasks support, and its codecs do not
 * carry V2 task traffic (the ext-tasks client sends it on a raw path for the same
 * reason). A task IS an intent: the task id is the intent id, nothing is kept in
 * memory, so a task survives a restart and any instance answers for it.
 *
 * - `tools/call` of `submit_intent` from a client declaring the extension creates the
 *   intent durably first, then answers a CreateTaskResult.
 * - `tasks/get` maps the intent: PENDING, RUNNING and other waits → working; WAITING for
 *   an approval → input_required with one input request per pending approval;
 *   COMPLETED → completed (the submit_intent result with the output); FAILED → failed;
 *   CANCELLED → cancelled.
 * - `tasks/update` resolves the pending approvals its `inputResponses` answer (checked
 *   against options and formSchema by the approval service, as resolveApproval is).
 * - `tasks/cancel` cancels the intent.
 * - Status notifications (`notifications/tasks`) follow the intent's events on a
 *   `subscriptions/listen` stream: task-notifications.ts.
 *
 * Input request keys are `approval-<approval id>`: approval ids are UUIDv7, never
 * reused, so a key is unique for the task's life. No opaque `requestState` is handed
 * out (everything a task needs is the intent's durable state), so there is nothing to
 * integrity-check and no secret to keep.
 */
const CLIENT_CAPABILITIES_META = 'io.modelcontextprotocol/clientCapabilities';
const POLL_INTERVAL_MS = 1_000;
const DECISION = 'axme_decision';
const COMMENT = 'axme_comment';

type Json = Record<string, unknown>;
type RpcRequest = { jsonrpc: '2.0'; id: string | number; method: string; params?: Json };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a request's per-request `_meta` declares the Tasks extension. */
export function declaresTasks(params: unknown): boolean {
  const meta = isObject(params) ? params._meta : undefined;
  const caps = isObject(meta) ? meta[CLIENT_CAPABILITIES_META] : undefined;
  const ext = isObject(caps) ? caps.extensions : undefined;
  return isObject(ext) && isObject(ext[TASKS_EXTENSION]);
}

/** The JSON-RPC requests this module answers; null for everything else (the SDK's). */
export function isTaskRequest(body: unknown): body is RpcRequest {
  if (!isObject(body) || body.jsonrpc !== '2.0' || (typeof body.id !== 'string' && typeof body.id !== 'number')) return false;
  if (body.method === 'tasks/get' || body.method === 'tasks/update' || body.method === 'tasks/cancel') return true;
  return body.method === 'tools/call' && isObject(body.params) && body.params.name === 'submit_intent' && declaresTasks(body.params);
}

export interface TaskContext {
  services: Services;
  auth: Auth;
  /** The server's origin as the client called it, for URL-mode elicitations (the dashboard). */
  origin: string;
}

function need(auth: Auth, role: Role, what: string): void {
  if (!allows(auth.role, role)) throw new AxmeError('FORBIDDEN', `the key's role ${auth.role} may not ${what} (needs ${role})`);
}

/** Answers one Tasks request: a JSON-RPC response object. */
export async function answerTaskRequest(req: RpcRequest, t: TaskContext): Promise<Json> {
  try {
    return { jsonrpc: '2.0', id: req.id, result: await dispatch(req, t) };
  } catch (err) {
    if (!(err instanceof AxmeError)) throw err;
    // invalid params for what the caller got wrong (unknown task, bad answer), a server error otherwise
    const invalid = ['NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INVALID_TRANSITION'].includes(err.code);
    return { jsonrpc: '2.0', id: req.id, error: { code: invalid ? -32602 : -32000, message: `${err.code}: ${err.message}`, data: { code: err.code } } };
  }
}

async function dispatch(req: RpcRequest, t: TaskContext): Promise<Json> {
  const p = req.params ?? {};
  const caller = t.auth.caller;
  if (req.method === 'tools/call') {
    need(t.auth, MUTATION_ROLES.submitIntent!, 'submit intents');
    const a: SubmitArgs = submitArgs(p.arguments);
    // durable first: the intent is committed before the task is named
    const i = await t.services.intents.submit(caller, {
      type: a.type, input: a.input ?? null, idempotencyKey: a.idempotencyKey ?? null, labels: a.labels ?? null,
      deadline: a.deadline ? new Date(a.deadline) : null,
    });
    const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs } = await detailedTask(i, t);
    return { resultType: 'task', taskId, status, ...(statusMessage ? { statusMessage } : {}), createdAt, lastUpdatedAt, ttlMs, pollIntervalMs };
  }
  const taskId = typeof p.taskId === 'string' ? p.taskId : '';
  if (!taskId) throw new AxmeError('BAD_USER_INPUT', 'params.taskId is required');
  const intent = async () => {
    const i = await t.services.intents.get(caller, taskId);
    if (!i) throw new AxmeError('NOT_FOUND', `no task ${taskId}`);
    return i;
  };
  if (req.method === 'tasks/get') return { resultType: 'complete', ...(await detailedTask(await intent(), t)) };
  if (req.method === 'tasks/cancel') {
    need(t.auth, MUTATION_ROLES.cancelIntent!, 'cancel intents');
    await intent();
    await t.services.intents.cancel(caller, taskId, 'cancelled through MCP tasks/cancel');
    return { resultType: 'complete' };
  }
  // tasks/update
  need(t.auth, MUTATION_ROLES.resolveApproval!, 'decide approvals');
  const i = await intent();
  const responses = p.inputResponses;
  if (!isObject(responses)) throw new AxmeError('BAD_USER_INPUT', 'params.inputResponses must be an object');
  const pending = new Map((await pendingApprovals(i, t)).map((a) => [inputKey(a), a]));
  // check every key before deciding anything: an unknown key changes nothing
  for (const key of Object.keys(responses)) {
    if (!pending.has(key)) throw new AxmeError('BAD_USER_INPUT', `input request ${key} is not pending on task ${taskId}`);
  }
  for (const [key, response] of Object.entries(responses)) {
    const approval = pending.get(key)!;
    const r = isObject(response) ? response : {};
    const decided = decision(approval, r);
    if (decided) await t.services.approvals.resolveApproval(caller, { approvalId: approval.id, ...decided });
  }
  return { resultType: 'complete' };
}

const inputKey = (a: Approval) => `approval-${a.id}`;

async function pendingApprovals(i: Intent, t: TaskContext): Promise<Approval[]> {
  if (i.status !== 'WAITING' || i.waitingFor !== 'APPROVAL') return [];
  const page = await t.services.approvals.approvals(t.auth.caller, { statuses: ['PENDING'], intentId: i.id, first: 100 });
  return page.approvals;
}

/** The task as tasks/get (and its status notifications) describe it. */
export async function detailedTask(i: Intent, t: TaskContext): Promise<Json> {
  const base = {
    taskId: i.id, createdAt: i.createdAt.toISOString(), lastUpdatedAt: i.updatedAt.toISOString(),
    // kept until retention deletes the finished intent; the intent's lifetime is not a fixed ttl
    ttlMs: null, pollIntervalMs: POLL_INTERVAL_MS,
  };
  switch (i.status) {
    case 'COMPLETED': {
      const { structuredContent, content } = intentResult(i);
      return { ...base, status: 'completed', result: { resultType: 'complete', content, structuredContent, isError: false } };
    }
    case 'FAILED':
      return { ...base, status: 'failed', statusMessage: i.error?.message ?? 'failed', error: { code: -32000, message: i.error?.message ?? 'the intent failed', data: (i.error ?? null) as never } };
    case 'CANCELLED':
      return { ...base, status: 'cancelled' };
    case 'WAITING': {
      const approvals = await pendingApprovals(i, t);
      if (approvals.length > 0) {
        const inputRequests = Object.fromEntries(approvals.map((a) => [inputKey(a), elicitation(a, i, t.origin)]));
        return { ...base, status: 'input_required', statusMessage: `waiting for approval: ${approvals[0]!.title}`, inputRequests };
      }
      return { ...base, status: 'working', statusMessage: `WAITING for ${i.waitingFor ?? 'something'}` };
    }
    default:
      return { ...base, status: 'working', statusMessage: i.status };
  }
}

/** MCP's elicitation forms are flat: an object of string, number, integer and boolean fields. */
function flatFields(formSchema: unknown): Record<string, Json> | null {
  if (formSchema === null || formSchema === undefined) return {};
  if (!isObject(formSchema) || formSchema.type !== 'object' || !isObject(formSchema.properties)) return null;
  const allowed = new Set(['type', 'properties', 'required', 'title', 'description', '$schema', 'additionalProperties']);
  if (Object.keys(formSchema).some((k) => !allowed.has(k))) return null;
  const out: Record<string, Json> = {};
  for (const [name, s] of Object.entries(formSchema.properties)) {
    if (name === DECISION || name === COMMENT || !isObject(s)) return null;
    if (!['string', 'number', 'integer', 'boolean'].includes(s.type as string)) return null;
    const keys = new Set(['type', 'title', 'description', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'format', 'default']);
    if (Object.keys(s).some((k) => !keys.has(k))) return null;
    if (s.enum !== undefined && (s.type !== 'string' || !Array.isArray(s.enum))) return null;
    out[name] = s;
  }
  return out;
}

function elicitation(a: Approval, i: Intent, origin: string): Json {
  const fields = flatFields(a.formSchema);
  const message = a.description ? `${a.title}\n\n${a.description}` : a.title;
  if (fields === null) {
    // richer than an elicitation form can ask: the dashboard asks it
    return { method: 'elicitation/create', params: { mode: 'url', message, url: `${origin}/ui/intents/${encodeURIComponent(i.id)}`, elicitationId: a.id } };
  }
  const formRequired = isObject(a.formSchema) && Array.isArray(a.formSchema.required) ? (a.formSchema.required as string[]) : [];
  return {
    method: 'elicitation/create',
    params: {
      mode: 'form',
      message,
      requestedSchema: {
        type: 'object',
        properties: {
          [DECISION]: { type: 'string', title: 'Decision', enum: a.options },
          [COMMENT]: { type: 'string', title: 'Comment' },
          ...fields,
        },
        required: [DECISION, ...(a.requireComment ? [COMMENT] : []), ...formRequired],
      },
    },
  };
}

/** What an elicitation answer decides: accept with the form's decision, decline as reject, cancel as nothing. */
function decision(a: Approval, r: Json): { outcome: string; comment: string | null; data: unknown } | null {
  if (r.action === 'cancel') return null;
  if (r.action === 'decline') {
    if (!a.options.includes('reject')) throw new AxmeError('BAD_USER_INPUT', `approval ${a.id} has no reject option; accept it with ${DECISION}`);
    return { outcome: 'reject', comment: null, data: null };
  }
  if (r.action !== 'accept') throw new AxmeError('BAD_USER_INPUT', 'an input response needs action accept, decline or cancel');
  const content = isObject(r.content) ? { ...r.content } : null;
  // a URL-mode request is answered on the dashboard: accepting it only says the user went there
  if (flatFields(a.formSchema) === null && (content === null || !(DECISION in content))) return null;
  if (content === null || typeof content[DECISION] !== 'string') throw new AxmeError('BAD_USER_INPUT', `the answer needs ${DECISION}, one of ${a.options.join(', ')}`);
  const outcome = content[DECISION] as string;
  const comment = typeof content[COMMENT] === 'string' ? (content[COMMENT] as string) : null;
  delete content[DECISION];
  delete content[COMMENT];
  return { outcome, comment, data: a.formSchema == null ? null : content };
}

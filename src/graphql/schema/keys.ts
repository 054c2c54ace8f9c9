import type { ApiKey as ApiKeyRow } from '../../store/keys.ts';
import { ROLES } from '../../core/roles.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';

const Role = builder.enumType('Role', {
  description: 'viewer reads and subscribes; agent also submits and works intents; approver also resolves approvals; admin also manages keys and operations.',
  values: ROLES.map((r) => r.toUpperCase()) as unknown as readonly ['VIEWER', 'AGENT', 'APPROVER', 'ADMIN'],
});

const ApiKey = builder.objectRef<ApiKeyRow>('ApiKey').implement({
  description: 'An API key of this namespace. The secret is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { description: 'The principal: written as the actor of what the key does.' }),
    role: t.field({ type: Role, resolve: (k) => k.role.toUpperCase() as 'VIEWER' }),
    keyPrefix: t.exposeString('keyPrefix', { description: 'The first characters of the key, to recognise it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Updated at most once a minute.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: ApiKeyRow; secret: string }>('CreatedApiKey').implement({
  fields: (t) => ({
    key: t.field({ type: ApiKey, resolve: (c) => c.key }),
    secret: t.exposeString('secret', { description: 'Send as `Authorization: Bearer <secret>`. Shown only now; store it.' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'The principal, e.g. `research-agent` or `alice@example.com`.' }),
    role: t.field({ type: Role, required: true }),
  }),
});

const Me = builder.objectRef<{ namespace: string; principal: string | null; role: string; keyId: string | null }>('Me').implement({
  description: 'Who the request is: what a client needs to offer only the actions its key may take.',
  fields: (t) => ({
    namespace: t.exposeString('namespace'),
    principal: t.exposeString('principal', { nullable: true, description: 'The key’s name, written as the actor of what it does; null with auth off.' }),
    role: t.field({ type: Role, resolve: (m) => m.role.toUpperCase() as 'VIEWER' }),
    authenticated: t.boolean({ description: 'A key was sent and accepted; false with auth off.', resolve: (m) => m.keyId !== null }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    description: 'The caller: namespace, principal and role.',
    resolve: (_r, _a, ctx) => ({ ...ctx.caller, role: ctx.auth.role, keyId: ctx.auth.keyId }),
  }),
  apiKeys: t.field({
    type: [ApiKey],
    description: 'The keys of the caller’s namespace, newest first (admin).',
    // unpaged: a namespace's keys, taken to be at most 100
    extensions: listSize({ default: 100 }),
    resolve: (_r, _a, ctx) => ctx.keys.list(ctx.caller.namespace),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    description: 'Creates a key in the caller’s namespace (admin).',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.keys.create({ namespace: ctx.caller.namespace, name: input.name, role: input.role.toLowerCase() }),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    description: 'Revokes a key of the caller’s namespace (admin). New requests with it are refused, and its open subscriptions end (graphql-ws sockets close with 4403, SSE streams end with UNAUTHENTICATED): at once on this instance and, with Redis, on the others; without Redis within 5 seconds (AXME_KEY_RECHECK_MS).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.keys.revoke(ctx.caller.namespace, a.id),
  }),
}));

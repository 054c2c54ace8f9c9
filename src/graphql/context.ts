import type { ServerResponse } from 'node:http';
import type { Auth } from '../auth/authenticate.ts';
import type { ApiKeys } from '../auth/keys.ts';
import type { LiveService } from '../live/service.ts';
import type { Caller } from '../core/caller.ts';
import type { Services } from '../services/index.ts';
import type { Loaders } from './loaders.ts';
import type { AbortLike } from '../core/abort.ts';

export interface Context {
  /** Intents, waits, approvals and operator controls (createServices): what resolvers and loaders call. */
  services: Services;
  keys: ApiKeys;
  live: LiveService;
  /** Who is calling: the namespace every read and write is confined to, and the principal. */
  caller: Caller;
  auth: Auth;
  loaders: Loaders;
  /** How the operation arrived: over HTTP (SSE included) or over a graphql-ws socket. */
  transport: 'http' | 'ws';
  /** The Node response an HTTP operation answers on (yoga's server context); absent over graphql-ws and in-process fetch. */
  res?: ServerResponse;
  /** Aborted when the client goes away; ends long polls early. Not always a native AbortSignal (yoga's is @whatwg-node's). */
  signal: AbortLike;
}

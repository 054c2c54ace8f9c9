import type { StreamInfo, StreamPage } from '../../store/streams.ts';
import type { AppendResult } from '../../live/streams.ts';
import { StreamEnd } from '../../live/event-stream.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { Intent } from './intent.ts';

const IntentStreamInfo = builder.objectRef<StreamInfo>('IntentStreamInfo');
IntentStreamInfo.implement({
  description: 'One output stream of an intent: its name, how many chunks it holds, and whether more may come.',
  fields: (t) => ({
    name: t.exposeString('name'),
    length: t.exposeInt('length', { description: 'Chunks appended so far; the next chunk gets this index.' }),
    bytes: t.exposeInt('bytes', { description: 'UTF-8 bytes of its chunks (capped by AXME_STREAM_MAX_BYTES).' }),
    closed: t.exposeBoolean('closed', { description: 'True once closeStream ended it or the intent finished: no chunk will be appended.' }),
  }),
});

const IntentStreamPage = builder.objectRef<StreamPage>('IntentStreamPage');
IntentStreamPage.implement({
  description: 'Consecutive chunks of an output stream, from index `from` up to (not including) `next`.',
  fields: (t) => ({
    from: t.exposeInt('from', { description: 'Index of the first chunk here.' }),
    chunks: t.exposeStringList('chunks'),
    next: t.exposeInt('next', { description: 'Index after the last chunk here: read or subscribe from it to continue with no gap and no duplicate.' }),
    length: t.exposeInt('length', { description: 'Chunks in the stream when this page was read.' }),
    closed: t.exposeBoolean('closed', { description: 'No chunk will be appended any more (closeStream, or the intent finished). With next = length the reader has it all.' }),
  }),
});

const AppendStreamResult = builder.objectRef<AppendResult>('AppendStreamResult');
AppendStreamResult.implement({
  description: 'Where an append landed in its stream.',
  fields: (t) => ({
    stream: t.exposeString('stream'),
    from: t.exposeInt('from', { description: 'Index of the first chunk appended (for closeStream: the length).' }),
    next: t.exposeInt('next', { description: 'The stream’s length after the append.' }),
  }),
});

builder.objectField(Intent, 'streams', (t) =>
  t.field({
    type: [IntentStreamInfo],
    description: 'The intent’s output streams (the first 100), oldest first.',
    extensions: listSize({ default: 100 }),
    resolve: (i, _a, ctx) => ctx.live.streams.list(ctx.caller, i.id),
  }),
);

const streamArgs = {
  id: { required: true },
  stream: { required: true, description: 'The stream’s name: 1–200 letters, digits and _ . : / -' },
  from: { description: 'Index of the first chunk wanted. Default 0.' },
} as const;

builder.queryFields((t) => ({
  intentStream: t.field({
    type: IntentStreamPage,
    description: `Chunks of an intent’s output stream from index \`from\`: at most \`limit\` (default 1000) and about 1 MiB per page. Page on with \`next\` while next < length; a stream that does not exist yet reads as empty.`,
    args: {
      id: t.arg.id(streamArgs.id),
      stream: t.arg.string(streamArgs.stream),
      from: t.arg.int(streamArgs.from),
      limit: t.arg.int({ description: '1–10000 chunks. Default 1000.' }),
    },
    resolve: (_r, a, ctx) => ctx.live.streams.read(ctx.caller, a.id, a.stream, a.from, a.limit),
  }),
}));

builder.subscriptionFields((t) => ({
  intentStream: t.field({
    type: IntentStreamPage,
    description:
      'An output stream from index `from`: a first page at once (possibly empty), then a page whenever chunks are appended, each exactly once and in order, until the stream is closed and read to its end (the last page has closed = true). After a disconnect, subscribe again on any instance with `from` = the last page’s `next`.',
    args: { id: t.arg.id(streamArgs.id), stream: t.arg.string(streamArgs.stream), from: t.arg.int(streamArgs.from) },
    subscribe: (_r, a, ctx) => ctx.live.streams.follow(ctx.caller, a.id, a.stream, a.from),
    resolve: (item: StreamPage | StreamEnd) => {
      if (item instanceof StreamEnd) throw item.error;
      return item;
    },
  }),
}));

const AppendStreamInput = builder.inputType('AppendStreamInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    stream: t.string({ required: true, description: streamArgs.stream.description }),
    chunks: t.stringList({ required: true, description: '1–AXME_STREAM_MAX_CHUNKS (default 1000) chunks, stored in order as one batch; at most AXME_MAX_PAYLOAD_BYTES in all.' }),
  }),
});

const CloseStreamInput = builder.inputType('CloseStreamInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    stream: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  appendStream: t.field({
    type: AppendStreamResult,
    description:
      'Appends chunks to an output stream of a RUNNING intent (created on first append); they get the next indexes. Needs the live lease (LEASE_LOST otherwise). Writes no event. A closed stream answers CONFLICT (reason STREAM_CLOSED); one past AXME_STREAM_MAX_BYTES answers PAYLOAD_TOO_LARGE (reason STREAM_FULL).',
    args: { input: t.arg({ type: AppendStreamInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.live.streams.append(ctx.caller, a.id, a.leaseToken, a.stream, a.chunks),
  }),
  closeStream: t.field({
    type: AppendStreamResult,
    description: 'Ends an output stream before the intent finishes (finishing ends them all); readers stop at its length. Idempotent; needs the live lease.',
    args: { input: t.arg({ type: CloseStreamInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.live.streams.close(ctx.caller, a.id, a.leaseToken, a.stream),
  }),
}));

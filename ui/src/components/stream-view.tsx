/**
 * The intent's output streams, live: each stream's text grows as chunks arrive and,
 * after a dropped socket, resumes from the last index shown (live() re-subscribes
 * with it as the cursor), so nothing is lost or doubled. The list of streams is
 * re-read every few seconds while the intent may still open new ones.
 */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/http.ts';
import { live } from '../api/live.ts';
import { IntentStreamsDocument, StreamPagesDocument } from '../generated/graphql.ts';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
const LIST_EVERY_MS = 2_000;

type Info = { name: string; length: number; closed: boolean };

export function StreamsPanel(p: { id: string; status: string }) {
  const [streams, setStreams] = useState<Info[] | null>(null);
  const finished = TERMINAL.includes(p.status);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () =>
      request(IntentStreamsDocument, { id: p.id })
        .then((d) => alive && setStreams(d.intent?.streams ?? []))
        .catch(() => {})
        .finally(() => {
          if (alive && !finished) timer = setTimeout(load, LIST_EVERY_MS);
        });
    void load();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, [p.id, finished]);
  if (streams === null) return <p class="muted">Loading…</p>;
  if (streams.length === 0) return <p class="muted">No output streams.</p>;
  return (
    <div class="streams">
      {streams.map((s) => (
        <StreamView key={s.name} id={p.id} name={s.name} />
      ))}
    </div>
  );
}

function StreamView(p: { id: string; name: string }) {
  const [text, setText] = useState('');
  const [state, setState] = useState<{ next: number; closed: boolean }>({ next: 0, closed: false });
  useEffect(() => {
    setText('');
    let stop = () => {};
    stop = live(StreamPagesDocument, (after) => ({ id: p.id, stream: p.name, from: after === null ? 0 : Number(after) }), {
      cursor: (d) => String(d.intentStream.next),
      onData: (d) => {
        const page = d.intentStream;
        if (page.chunks.length) setText((t) => t + page.chunks.join(''));
        const done = page.closed && page.next >= page.length;
        setState({ next: page.next, closed: done });
        // the server completes an ended stream; do not subscribe again
        if (done) stop();
      },
    });
    return () => stop();
  }, [p.id, p.name]);
  return (
    <figure class="stream" data-stream={p.name}>
      <figcaption>
        <span class="mono">{p.name}</span>{' '}
        <span class="muted small">
          {state.next} chunks{state.closed ? ' · ended' : ' · live'}
        </span>
      </figcaption>
      <pre class="stream-text" data-stream-text>
        {text}
      </pre>
    </figure>
  );
}

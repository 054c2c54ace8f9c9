/**
 * A research agent as an Axme worker: plan → research each sub-question → draft →
 * ask a human → "send". Every LLM call is a durable step, so a crash, a restart or
 * the wait for the human never repeats a call that finished; sampling (temperature,
 * a random angle) is fine because results are stored, not replayed.
 *
 *   node examples/research-agent/worker.ts
 *
 * Env: AXME_URL, AXME_API_KEY, OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL,
 * AXME_LEASE_SECONDS, AXME_WORKER_IDENTITY (see README.md).
 */
import { hostname } from 'node:os';
import { createClient, NonRetryableError, RetryAfterError } from '@axme/client';

const env = (name: string, fallback?: string) => process.env[name] || fallback;
const OPENAI_BASE_URL = env('OPENAI_BASE_URL', 'https://api.openai.com/v1')!.replace(/\/$/, '');
const MODEL = env('OPENAI_MODEL', 'gpt-4o-mini')!;

interface Input {
  question: string;
}

/** One chat completion. Rate limits become a RetryAfterError so Axme schedules the retry. */
async function chat(system: string, user: string, temperature: number, signal: AbortSignal): Promise<string> {
  const res = await fetch(`${OPENAI_BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(env('OPENAI_API_KEY') ? { authorization: `Bearer ${env('OPENAI_API_KEY')}` } : {}),
    },
    body: JSON.stringify({ model: MODEL, temperature, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] }),
    signal,
  });
  if (res.status === 429) throw new RetryAfterError(Number(res.headers.get('retry-after')) || 30, 'the chat endpoint is rate limiting');
  if (res.status === 400 || res.status === 401 || res.status === 404) throw new NonRetryableError(`chat endpoint: ${res.status} ${await res.text()}`);
  if (!res.ok) throw new Error(`chat endpoint: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]!.message.content.trim();
}

const ANGLES = ['a sceptic', 'a historian', 'an engineer', 'an economist', 'a teacher'];

const axme = createClient({ url: env('AXME_URL', 'http://localhost:4000/graphql')!, ...(env('AXME_API_KEY') ? { apiKey: env('AXME_API_KEY') } : {}) });

// A stable identity: restarted after a crash (even SIGKILL), this worker ends its previous
// session on the server, whose leases go back at once, and resumes within a second or two
// instead of waiting out the 60 s lease. Run a second replica on the same host with its own
// AXME_WORKER_IDENTITY, or the newer one takes the older one's place.
const identity = env('AXME_WORKER_IDENTITY', `research-agent@${hostname()}`);
const leaseSeconds = Number(env('AXME_LEASE_SECONDS', '60'));
const worker = axme.worker<Input>({ types: ['research.answer'], leaseSeconds, identity }, async (run) => {
  const { question } = run.input;
  if (!question) throw new NonRetryableError('input.question is required');

  // sampled once, then stored: a re-run keeps the same angle
  const angle = await run.step('angle', () => ANGLES[Math.floor(Math.random() * ANGLES.length)]!);
  const plan = await run.step('plan', () =>
    chat(`You are a research planner thinking like ${angle}. Reply with exactly three short sub-questions, one per line.`, question, 0.9, run.signal),
  );
  const subQuestions = plan.split('\n').map((l) => l.replace(/^\s*[-*\d.)]+\s*/, '').trim()).filter(Boolean).slice(0, 3);

  const notes: string[] = [];
  for (const [i, sub] of subQuestions.entries()) {
    await run.progress({ phase: 'research', done: i, of: subQuestions.length, current: sub });
    notes.push(await run.step(`research ${i + 1}`, () => chat('You are a careful researcher. Answer in three sentences.', sub, 0.7, run.signal)));
  }

  await run.progress({ phase: 'drafting' });
  const draft = await run.step('draft', () =>
    chat('You are a writer. Combine the notes into a short, clear answer to the question.', `Question: ${question}\n\nNotes:\n${notes.join('\n\n')}`, 0.5, run.signal),
  );

  // the run ends here until someone decides; no worker is held while waiting
  const decision = await run.requestApproval({
    title: `Send the answer to "${question.slice(0, 80)}"?`,
    description: draft,
    options: ['approve', 'reject'],
  });
  if (!decision.approved) return { sent: false, draft, comment: decision.comment, timedOut: decision.timedOut };

  const sentAt = await run.step('send', () => {
    // stands in for an email or a message: it runs once per intent, even across crashes
    console.log(`SENT ${run.id}: ${draft.slice(0, 120)}`);
    return new Date().toISOString();
  });
  return { sent: true, sentAt, answer: draft, angle, approvedBy: decision.resolvedBy, comment: decision.comment };
});

console.log(`research agent: handling research.answer intents at ${axme.url}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.log('stopping: finishing the intents in hand');
    void worker.stop().then(() => process.exit(0));
  });
}

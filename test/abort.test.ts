import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkSignals } from '../src/core/abort.ts';
import type { Caller } from '../src/core/caller.ts';
import { type TestApp, testApp } from './helpers/app.ts';

/** A signal that is not Node's own, as graphql-yoga hands resolvers over HTTP. */
function foreignSignal() {
  const target = new EventTarget();
  const signal = Object.assign(target, { aborted: false });
  return { signal, abort: () => { signal.aborted = true; target.dispatchEvent(new Event('abort')); } };
}

describe('linkSignals', () => {
  it('follows a foreign signal, which AbortSignal.any refuses', () => {
    const f = foreignSignal();
    expect(() => AbortSignal.any([f.signal as unknown as AbortSignal])).toThrow(TypeError);
    const link = linkSignals([f.signal]);
    expect(link.signal.aborted).toBe(false);
    f.abort();
    expect(link.signal.aborted).toBe(true);
  });

  it('leaves no listener on its sources once disposed', () => {
    const long = new AbortController();
    for (let i = 0; i < 1000; i++) linkSignals([long.signal, foreignSignal().signal]).dispose();
    expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted at once when a source already is', () => {
    expect(linkSignals([AbortSignal.abort(), null]).signal.aborted).toBe(true);
  });
});

describe('claims and the closing signal', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp(); });
  afterAll(async () => { await t.close(); });

  it('10,000 empty claims leave no listener on the service closing signal', async () => {
    const caller: Caller = { namespace: 'default', principal: null };
    for (let i = 0; i < 10_000; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () =>
        t.app.services.intents.claimMany(caller, { types: ['nothing.here'], limit: 1 }, foreignSignal().signal)));
    }
    expect(getEventListeners(t.app.services.intents.closingSignal, 'abort')).toHaveLength(0);
  });

  it('a long poll whose caller goes away ends with no lease', async () => {
    const caller: Caller = { namespace: 'default', principal: null };
    const f = foreignSignal();
    const pending = t.app.services.intents.claimMany(caller, { types: ['later'], limit: 1, waitSeconds: 30 }, f.signal);
    setTimeout(f.abort, 50);
    expect(await pending).toEqual([]);
    expect(getEventListeners(t.app.services.intents.closingSignal, 'abort')).toHaveLength(0);
  });
});

import { expect, it } from 'vitest';
import { Echoes } from '../src/pubsub/echoes.ts';

it('drops one echo per message sent, per channel, and none after the publish failed or the echo expired', () => {
  let now = 0;
  const e = new Echoes(2000, () => now);
  e.sent('ch', 'm');
  e.sent('ch', 'm');
  expect(e.isEcho('other', 'm')).toBe(false);
  expect([e.isEcho('ch', 'm'), e.isEcho('ch', 'm'), e.isEcho('ch', 'm')]).toEqual([true, true, false]);

  const failed = e.sent('ch', 'x');
  failed();
  expect(e.isEcho('ch', 'x')).toBe(false);

  e.sent('ch', 'late');
  now += 2001; // never came back (a subscription not yet confirmed): another instance's message of that text is heard
  expect(e.isEcho('ch', 'late')).toBe(false);

  e.sent('ch', 'y');
  e.forget('ch');
  expect(e.isEcho('ch', 'y')).toBe(false);
  e.sent('ch', 'z');
  e.forget();
  expect(e.isEcho('ch', 'z')).toBe(false);
});

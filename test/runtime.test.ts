// Every runtime the project installs is pinned, and the pins agree with each other.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const pinned = read('.node-version').trim();

it('.node-version names one exact Node 24 LTS release', () => {
  expect(pinned).toMatch(/^24\.\d+\.\d+$/);
});

it('the container image and CI use the same pins', () => {
  expect(read('Dockerfile')).toContain(`ARG NODE_VERSION=${pinned}\n`);
  expect(read('Dockerfile')).not.toMatch(/FROM node:\d/);
  const node22 = /^NODE22_VERSION=(\S+)$/m.exec(read('.ci/run'))?.[1];
  expect(node22).toMatch(/^22\.\d+\.\d+$/);
  const engines = JSON.parse(read('package.json')).engines.node as string;
  expect(engines).toBe('^22.18.0 || >=24.0.0');
  expect(Number(node22!.split('.')[1])).toBeGreaterThanOrEqual(18);
});

it('runs on the pinned Node when CI asks for it', () => {
  if (process.env.AXME_NODE_VERSION) expect(process.version).toBe(`v${process.env.AXME_NODE_VERSION}`);
  else if (process.env.AXME_NODE === 'pinned') expect(process.version).toBe(`v${pinned}`);
  else expect(['22', '24']).toContain(process.versions.node.split('.')[0]);
});

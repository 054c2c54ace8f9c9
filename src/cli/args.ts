/** Option parsers shared by the CLI's commands: commander shows their message beside the option. */
import { InvalidArgumentError } from 'commander';

export const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
};

export const jsonArg = (v: string): unknown => {
  try {
    return JSON.parse(v);
  } catch {
    throw new InvalidArgumentError('expected JSON');
  }
};

/** For repeatable options: each use adds one value. */
export const collect = (v: string, all: string[] = []): string[] => [...all, v];

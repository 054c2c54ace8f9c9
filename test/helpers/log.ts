import { pino } from 'pino';
import type { Logger } from '../../src/core/log.ts';

export interface CapturedLog {
  log: Logger;
  /** Every line logged so far, parsed. */
  lines: { level: number; msg?: string; [k: string]: unknown }[];
  /** Lines at error level or above (pino: error 50, fatal 60). */
  errors(): { level: number; msg?: string }[];
}

/** A debug-level logger that keeps its lines, to check what the server logs and at which level. */
export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, errors: () => lines.filter((l) => l.level >= 50) };
}

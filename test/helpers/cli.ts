/** The `axme` CLI as a user runs it: the real bin/axme in a child process, against a server's URL. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner of `axme --url <url()> …args` that answers the exit code and both outputs, never throwing. */
export function cliAt(url: () => string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const r = await exec('bin/axme', ['--url', url(), ...args], { timeout: 20_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
}

// The one wrapper for programs that act on a machine outside a terminal: argument arrays, a time limit, a bound on
// what is kept of their output, and a clear error when the program is not installed.

import { spawn } from 'node:child_process';
import { ApiError } from '../../common/api/errors.ts';

export interface ProcessOptions {
  /** Ended with SIGTERM after this long (then SIGKILL if it lingers); `timedOut` says so. */
  timeoutMs: number;
  /** Written to its stdin, which is then closed. */
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Output past this many bytes ends the program (a runaway listing must not fill the app's memory). */
  maxOutputBytes?: number;
}

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
  /** The exit code, or 128 + the signal's number as a shell's `$?` says. */
  code: number;
  timedOut: boolean;
  /** The output went past maxOutputBytes and the program was ended. */
  overflowed: boolean;
}

const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const maxOutput = options.maxOutputBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    let overflowed = false;
    let killer: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      killer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) {
        overflowed = true;
        stop();
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.reduce((n, b) => n + b.length, 0) < 1024 * 1024) err.push(chunk);
    });
    child.stdin.on('error', () => {}); // it may exit before reading its input; the exit code says why
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      clearTimeout(killer);
      reject(
        error.code === 'ENOENT'
          ? new ApiError({
              code: 'NOT_FOUND',
              message: `${file} is not installed, or not on the PATH.`,
              hint: `Install ${file} (on NixOS it comes with the system; elsewhere with your package manager).`,
            })
          : error,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killer);
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128 + (signal ? (signals[signal] ?? 0) : 1),
        timedOut,
        overflowed,
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

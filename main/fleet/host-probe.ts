// Asks one host for its live state: the status script over ssh, bounded in time, read into a HostLiveState.

import { spawn } from 'node:child_process';
import type { HostLiveState } from '../../common/model/fleet.ts';
import { shellQuote, sshArgs } from '../deploy/ssh.ts';
import { describeTarget } from '../deploy/settings.ts';
import type { DeployEnvironment, DeploySettings } from '../deploy/settings.ts';
import { parseReading } from './status-reading.ts';
import { statusScript } from './status-script.ts';

/** Where a host keeps what the status script reads, and how long a check may take. */
export interface ProbeEnvironment extends Pick<
  DeployEnvironment,
  'profile' | 'currentSystem' | 'store' | 'sshOptions'
> {
  bootedSystem: string;
  timeoutSeconds: number;
}

/** The last line ssh or the script wrote to stderr, which names the reason (auth, refused, timed out). */
function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}

export async function probeHost(
  host: string,
  settings: DeploySettings,
  env: ProbeEnvironment,
  persistent: readonly string[],
  now: () => number = Date.now,
): Promise<Omit<HostLiveState, 'reading' | 'seenAt'> & Partial<Pick<HostLiveState, 'reading' | 'seenAt'>>> {
  const target = describeTarget(settings);
  const checkedAt = now();
  const command = [
    'sh',
    '-c',
    statusScript,
    'flakedeck',
    env.store,
    env.currentSystem,
    env.bootedSystem,
    env.profile,
    ...persistent,
  ]
    .map(shellQuote)
    .join(' ');
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.ceil(env.timeoutSeconds))}`,
    ...sshArgs(settings, { ...envForSsh(env) }),
    command,
  ];
  const result = await run('ssh', args, env.timeoutSeconds * 1000);
  const unreachable = (error: string) => ({ host, target, checkedAt, reachable: false, error });
  if (result.timedOut) return unreachable(`No answer within ${env.timeoutSeconds} s.`);
  if (result.spawnError) return unreachable(result.spawnError);
  const reading = result.code === 0 ? parseReading(result.stdout) : null;
  if (!reading) return unreachable(lastLine(result.stderr) || `ssh exited with ${result.code}.`);
  return { host, target, checkedAt, reachable: true, error: null, reading, seenAt: now() };
}

function envForSsh(env: ProbeEnvironment): DeployEnvironment {
  return { sshOptions: env.sshOptions } as DeployEnvironment;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: '', timedOut, spawnError: `${file} could not start: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? 255,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

// Asks one host for its live state: the status script run on its target within a time limit, read into a state.

import type { HostLiveState } from '../../common/model/fleet.ts';
import { lastLine } from '../targets/ssh.ts';
import type { Target } from '../targets/target.ts';
import { parseReading } from './status-reading.ts';
import { statusScript } from './status-script.ts';

/** Where a host keeps what the status script reads, and how long a check may take. */
export interface ProbeEnvironment {
  profile: string;
  currentSystem: string;
  bootedSystem: string;
  /** A chroot store on the target (tests only); "" is its /nix/store. */
  store: string;
  timeoutSeconds: number;
}

export type ProbeResult = Omit<HostLiveState, 'reading' | 'seenAt'> &
  Partial<Pick<HostLiveState, 'reading' | 'seenAt'>>;

export async function probeHost(
  target: Target,
  env: ProbeEnvironment,
  persistent: readonly string[],
  now: () => number = Date.now,
): Promise<ProbeResult> {
  const base = { host: target.host, target: target.address, checkedAt: now() };
  const argv = ['sh', '-c', statusScript, 'flakedeck', env.store, env.currentSystem, env.bootedSystem, env.profile];
  const result = await target.run([...argv, ...persistent], {
    timeoutMs: env.timeoutSeconds * 1000,
    connectTimeoutSeconds: Math.max(1, Math.ceil(env.timeoutSeconds)),
  });
  const unreachable = (error: string): ProbeResult => ({ ...base, reachable: false, error });
  if (result.timedOut) return unreachable(`No answer within ${env.timeoutSeconds} s.`);
  const reading = result.code === 0 ? parseReading(result.stdout.toString('utf8')) : null;
  if (!reading) return unreachable(lastLine(result.stderr) || `ssh exited with ${result.code}.`);
  return { ...base, reachable: true, error: null, reading, seenAt: now() };
}

// Says why a run failed, in words a person can act on: the cause in one sentence (read from the failed step's last
// output where a program said it, "Permission denied (publickey)"), what the host runs now, and what to try.

import type { SourceLocation } from '../../common/api/errors.ts';
import type { RunKind, RunStatus, StepName } from '../../common/model/runs.ts';
import { formatLocation } from '../flake/nix-errors.ts';

/** What a run learned about the host's system on the way; unknown facts are left out. */
export interface TargetFacts {
  /** The system the host ran when the run looked (the diff's probe). */
  system?: string;
  /** The profile's generation before the activation. */
  generationBefore?: string;
  /** The generation the activation made. */
  generationNew?: string;
  /** The generation the target went back to by itself. */
  rolledBackTo?: string;
  /** Whether the activation started on the target: from then on, the host may run something new. */
  activated?: boolean;
  /** The target tried to go back by itself and could not. */
  rollbackFailed?: boolean;
}

export interface FailedRun {
  kind: RunKind;
  host: string;
  /** user@host:port, when the run goes to a target. */
  target: string | null;
  status: Exclude<RunStatus, 'running' | 'succeeded' | 'interrupted'>;
  /** The step that failed, if one had begun. */
  step: StepName | null;
  /** What the step failed with, as the pipeline put it. */
  message: string;
  /** The failed step's last lines of output, oldest first, without colours. */
  output: readonly string[];
  location?: SourceLocation;
  facts: TargetFacts;
  /** The target's confirmation window, in seconds. */
  confirmSeconds: number;
}

interface Cause {
  cause: string;
  tryNext: string;
}

/** Causes ssh, sudo and nix state in their last lines, most specific first. */
const knownCauses: { pattern: RegExp; explain: (match: RegExpExecArray, run: FailedRun) => Cause }[] = [
  {
    pattern: /Permission denied \(([^)]*)\)/,
    explain: (_m, run) => ({
      cause: `${targetName(run)} refused the SSH login of ${userOf(run)}: none of the keys offered is accepted there ("Permission denied").`,
      tryNext: `Check that your SSH agent or ssh config offers a key ${userOf(run)} accepts on ${hostOf(run)} (\`ssh ${sshDestination(run)}\` shows it).`,
    }),
  },
  {
    pattern: /Could not resolve hostname ([^\s:]+)/,
    explain: (m, run) => ({
      cause: `This machine cannot find "${m[1]}" by name, so ${run.host} could not be reached.`,
      tryNext: `Give ${run.host} a deploy target this machine can reach: set deck.deploy.targetHost (or colmena's deployment.targetHost) to its address; without it, the host's own name is tried.`,
    }),
  },
  {
    pattern: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/,
    explain: (_m, run) => ({
      cause: `ssh did not trust the host key of ${hostOf(run)}: it is unknown or changed since the last connection.`,
      tryNext: `Check the host's key, then update ~/.ssh/known_hosts (\`ssh-keygen -R ${hostOf(run)}\` removes the old one).`,
    }),
  },
  {
    pattern: /Connection refused/,
    explain: (_m, run) => ({
      cause: `${targetName(run)} refused the SSH connection: nothing listens on that port.`,
      tryNext: `Check that sshd runs on ${hostOf(run)} and that the deploy port is right.`,
    }),
  },
  {
    pattern:
      /Connection timed out|Operation timed out|No route to host|Network is unreachable|connect to host .* port \d+: /,
    explain: (_m, run) => ({
      cause: `${targetName(run)} did not answer over the network.`,
      tryNext: `Check that ${hostOf(run)} is on and reachable from here (VPN, firewall), then try again.`,
    }),
  },
  {
    pattern:
      /(?:a (?:terminal|password) is required|\d+ incorrect password attempts?|Sorry, try again|is not in the sudoers file)/,
    explain: (m, run) => ({
      cause: `sudo on ${hostOf(run)} refused ${userOf(run)} ("${m[0]}"): it wants a password it did not get, or the user may not use it.`,
      tryNext: `Type the password when the step asks, allow ${userOf(run)} to run the activation with sudo, or deploy as root.`,
    }),
  },
  {
    pattern: /No space left on device/,
    explain: (_m, run) => ({
      cause: `A disk is full${run.step === 'build' ? ' on this machine' : ` on ${hostOf(run)}`} ("No space left on device").`,
      tryNext: 'Free space, for example with `nix-collect-garbage --delete-older-than 30d`, then try again.',
    }),
  },
];

function hostOf(run: FailedRun): string {
  return run.target ? run.target.replace(/^[^@]*@/, '').replace(/:\d+$/, '') : run.host;
}

function userOf(run: FailedRun): string {
  // This machine's runs have no user@ in their target: sudo or pkexec act for the person at it.
  return run.target?.includes('@') ? run.target.split('@')[0]! : run.target ? 'your user' : 'the deploy user';
}

function targetName(run: FailedRun): string {
  return hostOf(run) === run.host ? run.host : `${run.host} (${hostOf(run)})`;
}

function sshDestination(run: FailedRun): string {
  const port = /:(\d+)$/.exec(run.target ?? '')?.[1];
  return `${port && port !== '22' ? `-p ${port} ` : ''}${userOf(run)}@${hostOf(run)}`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function fromOutput(run: FailedRun): Cause | null {
  // The last line that names a known cause: later lines are the closer one.
  for (const line of [...run.output].reverse()) {
    for (const { pattern, explain } of knownCauses) {
      const match = pattern.exec(line);
      if (!match) continue;
      const found = explain(match, run);
      // After a switch, a refused login is what the new configuration did: the confirmation's advice applies.
      if (run.step !== 'confirm') return found;
      return {
        cause: `${run.message.replace(/\.$/, '')}: after the switch, ${found.cause.replace(/\.$/, '')}`,
        tryNext: fromStep(run).tryNext,
      };
    }
  }
  return null;
}

function fromStep(run: FailedRun): Cause {
  const message = run.message.split('\n')[0]!.replace(/:$/, '');
  if (run.location) {
    return {
      cause: `The configuration of ${run.host} does not evaluate: ${message.replace(/\s*\(at [^)]*\)$/, '')} (at ${formatLocation(run.location)})`,
      tryNext: `Fix it at ${formatLocation(run.location)} and build again.`,
    };
  }
  switch (run.step) {
    case 'build':
      return { cause: message, tryNext: 'Its terminal shows the whole build log; fix what it names and build again.' };
    case 'copy':
      return {
        cause: message,
        tryNext: `Check the free space and the connection to ${hostOf(run)}, then deploy again.`,
      };
    case 'activate':
    case 'profile':
      return {
        cause: message,
        tryNext: "The step's terminal shows what the activation printed; fix that and deploy again.",
      };
    case 'confirm':
      return {
        cause: message,
        tryNext: `Check that the new configuration still lets ${userOf(run)} log in over SSH (sshd, firewall, keys), then deploy again.`,
      };
    default:
      return { cause: message, tryNext: 'Its terminal shows what happened; try again once that is fixed.' };
  }
}

/** What the host runs now, from what the run saw of it. */
function nowRuns(run: FailedRun): string {
  const { facts } = run;
  const generation = (n: string | undefined) => (n ? `generation ${n}` : 'its previous generation');
  const untouched =
    run.kind === 'build' || run.step === 'build' || run.step === null
      ? `Nothing was sent to ${run.host}; it runs what it ran before.`
      : `${run.host} was not changed: it runs what it ran before.`;
  if (run.kind === 'build') return untouched;
  if (facts.rollbackFailed) {
    return `${run.host} tried to go back to ${generation(facts.generationBefore)} by itself and could not: it may be half switched, so look at it (its console, or \`systemctl --failed\`) before deploying again.`;
  }
  if (facts.rolledBackTo !== undefined) {
    return `${run.host} went back to ${generation(facts.rolledBackTo || facts.generationBefore)} by itself and runs what it ran before.`;
  }
  if (!facts.activated) {
    if (!facts.system && !facts.generationBefore) return untouched;
    const system = facts.system ? ` (${facts.system})` : '';
    const gen = facts.generationBefore ? `, generation ${facts.generationBefore}` : '';
    return `Nothing changed on ${run.host}: it still runs its current system${gen}${system}.`;
  }
  if (run.status === 'rolled-back') {
    return `${run.host} went back to ${generation(facts.generationBefore)} by itself.`;
  }
  if (run.step === 'confirm') {
    return `${run.host} runs the new system${facts.generationNew ? ` (generation ${facts.generationNew})` : ''} only until its ${run.confirmSeconds} s confirmation window ends; then it goes back to ${generation(facts.generationBefore)} by itself.`;
  }
  return `${run.host} may be part-way through the change: its activation log in the step's terminal says where it stopped (it was at ${generation(facts.generationBefore)} before).`;
}

/** Three sentences: the cause, what the host runs now, what to try. A cancelled run only says so. */
export function explainFailure(run: FailedRun): string {
  if (run.status === 'cancelled') return sentence(run.message);
  const { cause, tryNext } = (run.location ? null : fromOutput(run)) ?? fromStep(run);
  const detail = run.message.includes('\n') ? `\n${run.message.split('\n').slice(1).join('\n')}` : '';
  return `${sentence(cause)} ${nowRuns(run)} ${sentence(tryNext)}${detail}`;
}

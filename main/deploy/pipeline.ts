// The steps of a build, a deploy and a rollback of one host, each run in a terminal and recorded:
// build → diff → approve → copy → profile → activate → confirm (→ rollback, by the target itself).

import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ClosureDiff, DeployMode, StepRecord } from '../../common/model/runs.ts';
import { hostOfSystem } from '../../common/model/system-name.ts';
import { installable } from '../flake/flake-folder.ts';
import type { Nix } from '../flake/nix.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { quietRetries } from './confirm-output.ts';
import { closureDiff, describeDiff, parsePathInfo } from './closure-diff.ts';
import type { ClosurePath } from './closure-diff.ts';
import { NixLogParser } from './nix-log.ts';
import type { ActivationEnd } from './interruption.ts';
import { RemoteOutput } from './remote-output.ts';
import type { Marker } from './remote-output.ts';
import { Run, RunFailure } from './run.ts';
import type { DeployEnvironment } from './settings.ts';
import { activationArgv } from '../targets/activation.ts';
import type { Target } from '../targets/target.ts';

export interface PipelineContext {
  nix: Nix;
  env: DeployEnvironment;
  /** Where built systems are kept from garbage collection, one link per flake and host. */
  gcrootsDir: string;
}

export interface HostJob {
  host: string;
  folder: string;
  /** The machine: a remote host, or this one. */
  target: Target;
  /** Each host of the flake with its networking.hostName: whose system the target runs now, by its name. */
  hostNames?: Readonly<Record<string, string | null>>;
  /** How long this machine asks "Keep this configuration?" (its runs only). */
  keepSeconds: number;
}

/**
 * Tries the confirmation until it is answered for good, or until nothing has been heard from the target for
 * `giveup` seconds: while the target says it is still switching or rolling back (6), however slowly, the app keeps
 * asking, since the target's own window only starts when its switch ends. One terminal for every attempt.
 */
const confirmLoop = `giveup="$1"; shift
deadline=$(($(date +%s) + giveup))
while :; do
  "$@"; rc=$?
  case "$rc" in
    0 | 5 | 7 | 12) exit "$rc" ;;
    6) deadline=$(($(date +%s) + giveup)) ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then exit 124; fi
  sleep 1
done`;

/** The other host of the flake whose system `system` is, by its name; null for the job's own host or none. */
function otherHostsSystem(job: HostJob, system: string): string | null {
  const hostNames = job.hostNames ?? {};
  const owner = hostOfSystem(system, hostNames);
  return owner !== null && owner !== job.host && hostNames[owner] !== hostNames[job.host] ? owner : null;
}

function lastLine(text: string): string {
  return (
    stripAnsi(text)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}

/** Collects a step's plain output lines, so a failure can say what the program said last. */
function recorder(read: (line: string) => string | null): {
  read: (line: string) => string | null;
  tail: () => string;
} {
  const lines: string[] = [];
  return {
    read(line) {
      const shown = read(line);
      if (shown) {
        lines.push(shown);
        if (lines.length > 20) lines.shift();
      }
      return shown;
    },
    tail: () => lastLine(lines.join('\n')),
  };
}

export class Pipeline {
  readonly #ctx: PipelineContext;

  constructor(ctx: PipelineContext) {
    this.#ctx = ctx;
  }

  /** Builds the host's system: on this machine, or on the target when its deck.deploy.buildOn says so. */
  async build(run: Run, job: HostJob): Promise<string> {
    const { nix } = this.#ctx;
    const onTarget = job.target.settings.buildOn === 'remote' ? job.target.buildStore() : null;
    return run.step('build', async (record) => {
      const parser = new NixLogParser({ sourceRoot: job.folder });
      const toplevel = installable(job.folder, [
        'nixosConfigurations',
        job.host,
        'config',
        'system',
        'build',
        'toplevel',
      ]);
      const where = onTarget ? [...onTarget.args, '--no-link'] : ['--out-link', this.#gcroot(job)];
      const command = nix.commandLine([
        'build',
        toplevel,
        '--json',
        '--no-write-lock-file',
        '--log-format',
        'internal-json',
        ...where,
      ]);
      const status = await run.exec(
        record,
        {
          ...command,
          cwd: job.folder,
          env: onTarget?.env,
          title: `build ${job.host}`,
          read: (line) => {
            const shown = parser.line(line);
            run.setProgress(parser.progress());
            return shown;
          },
        },
        true,
      );
      run.setProgress(parser.progress());
      if (run.cancelRequested) throw new RunFailure('cancelled', 'Cancelled during the build.');
      if (status.exitCode !== 0) {
        const failure = parser.progress().failures[0];
        if (failure) {
          const tail = failure.lastLines.slice(-5).join('\n');
          throw new RunFailure('failed', `${failure.name} failed to build${tail ? `:\n${tail}` : '.'}`);
        }
        const error = parser.failure();
        if (error) throw new RunFailure('failed', error.message, error.location);
        throw new RunFailure('failed', `nix build exited with ${status.exitCode}.`);
      }
      const out = parser.outPaths()[0];
      if (!out) throw new RunFailure('failed', 'nix build succeeded but named no out path.');
      run.setOutPath(out);
      return { value: out, message: onTarget ? `${out} (built on ${job.target.address})` : out };
    });
  }

  /** What changes on the host: its running system against `out` (on the target too when `outOnTarget`). */
  async diff(run: Run, job: HostJob, out: string, outOnTarget: boolean): Promise<ClosureDiff> {
    return run.step('diff', async (record) => {
      const local = outOnTarget ? null : this.#localClosure(out);
      local?.catch(() => {}); // awaited below, after the probe
      const probe = await this.#remote(run, record, job, 'probe', [
        storeOf(job, this.#ctx.env),
        this.#ctx.env.currentSystem,
        ...(outOnTarget ? [out] : []),
      ]);
      const current = probe.output.last('current')?.[0] || null;
      if (current) run.facts.system = current;
      const currentClosure = current ? probe.output.closures.get(current) : undefined;
      if (current && !currentClosure) throw new RunFailure('failed', `Could not read the closure of ${current}.`);
      const newClosure = outOnTarget ? probe.output.closures.get(out) : await local;
      if (!newClosure) throw new RunFailure('failed', `${out} is not on the target.`);
      const diff = {
        ...closureDiff(current ? { root: current, closure: currentClosure! } : null, {
          root: out,
          closure: newClosure,
        }),
        runsSystemOf: current ? otherHostsSystem(job, current) : null,
      };
      run.setDiff(diff);
      run.log(`${describeDiff(diff, job.host).join('\r\n')}\r\n`);
      const packages = diff.added.length + diff.removed.length + diff.changed.length;
      return { value: diff, message: `${packages} package changes, ${diff.pathsAdded} paths to add` };
    });
  }

  async approve(run: Run, required: boolean): Promise<void> {
    if (!required) return run.skip('approve', 'Approved in advance.');
    await run.step('approve', async () => {
      await run.waitForApproval();
      return { value: undefined, message: 'Approved.' };
    });
  }

  /** Sends the closure to the target's store (`nix copy` over ssh); a copy cut short is simply copied again. */
  async copy(run: Run, job: HostJob, out: string): Promise<void> {
    const copy = job.target.copyClosure(out);
    if (!copy) return run.skip('copy', `${out} is built on this machine: nothing to copy.`);
    await run.step('copy', async (record) => {
      const parser = new NixLogParser();
      const command = this.#ctx.nix.commandLine([...copy.args, '--log-format', 'internal-json']);
      const output = recorder((line) => {
        const shown = parser.line(line);
        run.setProgress(parser.progress());
        return shown;
      });
      const status = await run.exec(
        record,
        { ...command, cwd: job.folder, env: copy.env, title: `copy ${job.host}`, read: output.read },
        true,
      );
      if (run.cancelRequested) throw new RunFailure('cancelled', 'Cancelled during the copy.');
      if (status.exitCode !== 0) {
        const error = parser.errors().at(-1);
        throw new RunFailure(
          'failed',
          `Copying to ${job.target.address} failed: ${error ? lastLine(error) : output.tail() || `exit ${status.exitCode}`}`,
        );
      }
      const copies = parser.progress().copies;
      return { value: undefined, message: `${copies.done} paths copied to ${job.target.address}` };
    });
  }

  /**
   * Sets the profile and switches, detached on the target, then confirms over a new connection. Resolves when the
   * target confirmed (or, for boot and dry-activate, finished); throws RunFailure('rolled-back') when it went back.
   */
  async activate(run: Run, job: HostJob, system: string, mode: DeployMode, generation?: number): Promise<void> {
    const { env } = this.#ctx;
    run.pointOfNoReturn();
    const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    run.setActivation(id);
    const changesProfile = mode === 'switch' || mode === 'boot';
    if (!changesProfile) run.skip('profile', `${mode} leaves the system profile as it is.`);
    const steps: { profile?: StepRecord; activate?: StepRecord; rollback?: StepRecord } = {};
    const first = run.beginStep(changesProfile ? 'profile' : 'activate');
    if (changesProfile) steps.profile = first;
    else steps.activate = first;

    const onMarker = ({ name, words }: Marker) => {
      noteFacts(run, { name, words });
      if (name === 'profile-done' && steps.profile) {
        run.endStep(steps.profile, 'succeeded', `Generation ${words[0]} is ${system}.`);
      } else if ((name === 'detached' || name === 'switch-start') && !steps.activate) {
        steps.activate = run.beginStep('activate', first.terminalId);
      } else if (name === 'rollback-start') {
        steps.rollback = run.beginStep('rollback', first.terminalId);
      } else if (name === 'rollback-done' && steps.rollback) {
        run.endStep(steps.rollback, 'succeeded', `Back at generation ${words[0] || '(none)'}.`);
      } else if (name === 'rollback-failed' && steps.rollback) {
        run.endStep(steps.rollback, 'failed', `The rollback failed: ${words.join(' ') || 'see its terminal'}`);
      }
    };
    const started = await this.#remote(
      run,
      first,
      job,
      'start',
      [
        env.stateDir,
        id,
        storeOf(job, env),
        env.profile,
        env.currentSystem,
        system,
        mode,
        String(job.target.local ? job.keepSeconds : env.confirmSeconds),
        generation === undefined ? '' : String(generation),
      ],
      { privileged: true, onMarker },
    );
    const output = started.output;
    const previous = output.last('previous')?.[0] ?? '';
    const status = output.last('status')?.[0];
    const open = () => [steps.profile, steps.activate].filter((s): s is StepRecord => s?.status === 'running');
    const failOpen = (message: string) => open().forEach((s) => run.endStep(s, 'failed', message));

    switch (started.exitCode) {
      case 0:
        if (status === 'done') {
          for (const s of open()) run.endStep(s, 'succeeded', describeDone(mode));
          run.skip('confirm', `${mode} changes nothing that runs now: nothing to confirm.`);
          return;
        }
        for (const s of open()) run.endStep(s, 'succeeded', `Switched (${mode}); waiting for the confirmation.`);
        break;
      case 10:
        failOpen(`switch-to-configuration ${mode} failed (exit ${output.last('switch-done')?.[0] ?? '?'}).`);
        throw new RunFailure(
          'rolled-back',
          `switch-to-configuration ${mode} failed on ${job.host}; ${job.target.local ? 'this machine went back' : 'the target rolled back'}${previous ? ` to generation ${previous}` : ''}.`,
        );
      case 11:
        failOpen('Another activation runs on the target.');
        throw new RunFailure('failed', `Another activation is running on ${job.target.address}.`);
      case 14:
        failOpen('The switch and then the rollback failed.');
        throw new RunFailure(
          'failed',
          `The switch failed on ${job.host} and so did the rollback (${rollbackError(output)}): the host needs attention.`,
        );
      case 255:
        if (!output.has('detached')) {
          failOpen(`The connection failed before the activation started: ${started.tail}`);
          throw new RunFailure('failed', `Could not start the activation on ${job.target.address}: ${started.tail}`);
        }
        // The worker goes on without us; the confirmation finds out how it ends.
        for (const s of open())
          run.endStep(s, 'succeeded', 'The connection dropped; the activation goes on, detached.');
        break;
      default:
        failOpen(started.tail || `exit ${started.exitCode}`);
        // Before `previous`, the script changed nothing (sudo refusing the password ends it there).
        if (!output.has('previous')) {
          throw new RunFailure(
            'failed',
            `The activation did not start on ${job.target.address}, and nothing changed there: ${started.tail}`,
          );
        }
        throw new RunFailure('failed', `The activation on ${job.target.address} failed: ${started.tail}`);
    }
    if (job.target.local) await this.#keep(run, job, id, previous, steps);
    else await this.#confirm(run, job, id, previous, steps);
  }

  /**
   * Asks the person at this machine "Keep this configuration?" while the activation's own timer runs on it: Keep
   * confirms, Revert goes back now, and no answer in time goes back by itself (also when the app is gone).
   */
  async #keep(run: Run, job: HostJob, id: string, previous: string, steps: { rollback?: StepRecord }): Promise<void> {
    const { env } = this.#ctx;
    const record = run.beginStep('confirm');
    const target = job.target;
    // The machine's timer started when the switch ended, a moment ago; the question ends with it.
    const answer = run.askToKeep(Date.now() + job.keepSeconds * 1000);
    const ended = target.run(activationArgv('wait', [env.stateDir, id]), {
      timeoutMs: (job.keepSeconds + env.confirmGiveUpSeconds) * 1000,
    });
    const first = await Promise.race([answer, ended.then(() => null)]);
    if (first) {
      run.log(`${first === 'keep' ? 'Kept' : 'Reverting'} at your word.\r\n`);
      const said = await target.run(activationArgv(first, [env.stateDir, id]), { timeoutMs: 30_000 });
      if (said.code !== 0) run.log(`${lastLine(said.stderr) || said.stdout.toString('utf8').trim()}\r\n`);
    }
    const result = await ended;
    run.stopAskingToKeep();
    const output = new RemoteOutput();
    for (const line of result.stdout.toString('utf8').split('\n')) output.line(line);
    const status = output.last('status')?.[0];
    const back = previous ? ` to generation ${previous}` : '';
    const wentBack = (why: string) => {
      run.endStep(record, 'failed', why);
      if (!steps.rollback) {
        const rollback = run.beginStep('rollback', record.terminalId);
        run.endStep(rollback, 'succeeded', `This machine went back${back}.`);
      }
    };
    switch (status) {
      case 'confirmed':
        run.endStep(record, 'succeeded', 'Kept by you.');
        return;
      case 'reverted':
        wentBack('Reverted by you.');
        throw new RunFailure('rolled-back', `Reverted by you: ${job.host} went back${back}.`);
      case 'rolled-back':
        wentBack(`No answer within ${job.keepSeconds} s.`);
        throw new RunFailure(
          'rolled-back',
          `Reverted by timeout: nobody kept the configuration within ${job.keepSeconds} s, so ${job.host} went back${back}.`,
        );
      case 'rollback-failed':
        couldNotGoBack(run, record, steps, output);
        throw new RunFailure(
          'failed',
          `${job.host} tried to go back and could not (${rollbackError(output)}): this machine needs attention.`,
        );
      default:
        run.endStep(record, 'failed', lastLine(result.stderr) || `status ${status ?? 'unknown'}`);
        throw new RunFailure(
          'failed',
          `Could not follow the activation on this machine (${lastLine(result.stderr) || `status ${status ?? 'unknown'}`}); ` +
            `without a Keep it goes back by itself after ${job.keepSeconds} s.`,
        );
    }
  }

  async #confirm(
    run: Run,
    job: HostJob,
    id: string,
    previous: string,
    steps: { rollback?: StepRecord },
  ): Promise<void> {
    const { env } = this.#ctx;
    const record = run.beginStep('confirm');
    // Heard nothing for this long, the app stops asking: the whole window (had the switch just ended) and then some.
    const giveUpSeconds = env.confirmSeconds + env.confirmGiveUpSeconds;
    // Until the target says how much of its window is left (counted from the end of its switch there).
    const window = {
      endsAt: record.startedAt + env.confirmSeconds * 1000,
      seconds: env.confirmSeconds,
      giveUpAt: record.startedAt + giveUpSeconds * 1000,
    };
    const output = new RemoteOutput(({ name, words: [first = ''] }) => {
      if (name === 'window-left') {
        window.endsAt = Date.now() + Number(first) * 1000;
        window.giveUpAt = Math.max(window.giveUpAt, Date.now() + giveUpSeconds * 1000);
      }
      if (name === 'confirm') noteFacts(run, { name, words: [first] });
    });
    const lines = recorder(quietRetries((line) => output.line(line), window));
    const confirm = job.target.command(activationArgv('confirm', [env.stateDir, id]), {
      fresh: true,
      connectTimeoutSeconds: 10,
    });
    const status = await run.exec(
      record,
      {
        file: '/bin/sh',
        args: ['-c', confirmLoop, 'confirm', String(giveUpSeconds), confirm.file, ...confirm.args],
        title: `confirm ${job.host}`,
        read: lines.read,
      },
      false,
    );
    const answer = output.last('confirm')?.[0];
    if (status.exitCode === 0) {
      run.endStep(record, 'succeeded', 'Confirmed over a new SSH connection.');
      return;
    }
    const back = previous ? ` to generation ${previous}` : '';
    if (status.exitCode === 5 && (answer === 'rolled-back' || answer === 'failed-rolled-back')) {
      run.endStep(record, 'failed', 'No confirmation reached the target in time.');
      if (!steps.rollback) {
        const rollback = run.beginStep('rollback', record.terminalId);
        run.endStep(rollback, 'succeeded', `The target went back${back} by itself.`);
      }
      throw new RunFailure(
        'rolled-back',
        `${job.host} was not confirmed within ${env.confirmSeconds} s over a new connection and rolled back${back}.`,
      );
    }
    if (answer === 'rollback-failed') {
      couldNotGoBack(run, record, steps, output);
      throw new RunFailure(
        'failed',
        `${job.host} was not confirmed and its rollback could not run (${rollbackError(output)}): the host needs attention.`,
      );
    }
    const reason =
      status.exitCode === 124
        ? `no new connection reached ${job.target.address} for ${giveUpSeconds} s`
        : lines.tail() || `exit ${status.exitCode}`;
    run.endStep(record, 'failed', reason);
    throw new RunFailure(
      'failed',
      `Could not confirm ${job.host}: ${reason}. Unconfirmed, the target rolls back by itself after ${env.confirmSeconds} s.`,
    );
  }

  /**
   * How an activation ended on its target, waiting while it still goes on (its window, then its rollback); null when
   * the target cannot be asked now.
   */
  async activationEnd(target: Target, id: string): Promise<Omit<ActivationEnd, 'host' | 'local'> | null> {
    const { env } = this.#ctx;
    const ask = async (action: 'status' | 'wait', timeoutMs: number) => {
      const result = await target.run(activationArgv(action, [env.stateDir, id]), { timeoutMs });
      if (result.code !== 0) return null;
      const output = new RemoteOutput();
      for (const line of result.stdout.toString('utf8').split('\n')) output.line(line);
      return output;
    };
    const now = await ask('status', 30_000);
    const status = now?.last('status')?.[0];
    if (!now || !status) return null;
    const seconds = Number(now.last('window')?.[0] ?? 0);
    const ongoing = ['switching', 'switched', 'rolling-back'].includes(status);
    const last = ongoing ? await ask('wait', (seconds + env.confirmGiveUpSeconds) * 1000) : now;
    if (!last) return null;
    return {
      status: last.last('status')?.[0] ?? 'unknown',
      previous: now.last('previous')?.[0] ?? '',
      seconds,
      rollbackError: last.last('rollback-error')?.join(' ') ?? '',
    };
  }

  /** The system generations of the host's profile, newest last. */
  async generations(
    target: Target,
  ): Promise<{ number: number; date: string; current: boolean; path: string | null }[]> {
    const result = await target.run(activationArgv('generations', [this.#ctx.env.profile]), {
      timeoutMs: 60_000,
      maxOutputBytes: 16 * 1024 * 1024,
    });
    if (result.code !== 0) throw target.unreachable(result, 'list the generations');
    const output = new RemoteOutput();
    for (const line of result.stdout.toString('utf8').split('\n')) output.line(line);
    return output.markers
      .filter((m) => m.name === 'generation')
      .map(({ words: [n, day, time, path, current] }) => ({
        number: Number(n),
        date: `${day} ${time}`,
        current: current === '(current)',
        path: path || null,
      }))
      .sort((a, b) => a.number - b.number);
  }

  async #remote(
    run: Run,
    record: StepRecord,
    job: HostJob,
    action: string,
    args: string[],
    options: { privileged?: boolean; onMarker?: (marker: Marker) => void } = {},
  ): Promise<{ exitCode: number; output: RemoteOutput; tail: string }> {
    const output = new RemoteOutput(options.onMarker);
    const lines = recorder((line) => output.line(line));
    const command = job.target.command(activationArgv(action, args), { privileged: options.privileged });
    const status = await run.exec(
      record,
      {
        ...command,
        title: `${action === 'probe' ? 'diff' : 'activate'} ${job.host}`,
        read: lines.read,
      },
      action === 'probe',
    );
    if (run.cancelRequested && action === 'probe') throw new RunFailure('cancelled', 'Cancelled.');
    if (action === 'probe' && status.exitCode !== 0) {
      throw new RunFailure(
        'failed',
        `Could not reach ${job.target.address}: ${lines.tail() || `exit ${status.exitCode}`}`,
      );
    }
    return { exitCode: status.exitCode, output, tail: lines.tail() };
  }

  async #localClosure(out: string): Promise<ClosurePath[]> {
    return parsePathInfo(await this.#ctx.nix.output(['path-info', '--recursive', '--json', out]));
  }

  #gcroot(job: HostJob): string {
    const key = createHash('sha256').update(`${job.folder}\0${job.host}`).digest('hex').slice(0, 20);
    return join(this.#ctx.gcrootsDir, key);
  }
}

/** What the activation's markers say about the host's generations, for a failure report. */
function noteFacts(run: Run, { name, words: [first = ''] }: Marker): void {
  if (name === 'previous') Object.assign(run.facts, { generationBefore: first || undefined, activated: true });
  else if (name === 'profile-done') run.facts.generationNew = first;
  else if (name === 'rollback-done') run.facts.rolledBackTo = first;
  else if (name === 'rollback-failed' || (name === 'confirm' && first === 'rollback-failed')) {
    run.facts.rollbackFailed = true;
  }
}

/** Ends the confirmation and the target's rollback (begun where the app saw it begin) as failed, with why. */
function couldNotGoBack(run: Run, confirm: StepRecord, steps: { rollback?: StepRecord }, output: RemoteOutput): void {
  run.facts.rollbackFailed = true;
  run.endStep(confirm, 'failed', 'Not kept or confirmed in time, and going back failed.');
  const rollback =
    steps.rollback?.status === 'running' ? steps.rollback : run.beginStep('rollback', confirm.terminalId);
  run.endStep(rollback, 'failed', `The rollback failed: ${rollbackError(output)}.`);
}

/** Why the target could not go back, as it said (one sentence or a few). */
function rollbackError(output: RemoteOutput): string {
  const why = (output.last('rollback-error') ?? output.last('rollback-failed'))?.join(' ').replace(/\.$/, '');
  return why || 'the target gave no reason; its activation log says more';
}

/** A chroot store stands in for a remote host's store in tests; this machine's is its own. */
function storeOf(job: HostJob, env: DeployEnvironment): string {
  return job.target.local ? '' : env.store;
}

function describeDone(mode: DeployMode): string {
  return mode === 'boot' ? 'The new system starts at the next boot.' : 'Dry activation finished: nothing changed.';
}

// Follows the runs a CLI command started: their terminals' output on stderr, the approval question, stdin to a
// step that asks for input (sudo's password), and a line per host at the end.

import { otherSystemWarning } from '../../common/model/runs.ts';
import type { BatchStarted, ClosureDiff, LiveRun } from '../../common/model/runs.ts';
import { storeName } from '../../common/model/system-name.ts';
import { describeDiff } from '../deploy/closure-diff.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import type { Services } from '../services.ts';
import type { ParsedCommandLine } from './command.ts';
import type { Output } from './context.ts';
import { Questions } from './questions.ts';

export interface FollowOptions {
  /** Approve every diff without asking (`--yes`). */
  yes: boolean;
  /** Lets `--yes` approve a run whose target runs another host's system (`--allow-other-system`). */
  allowOtherSystem?: boolean;
  /** What a yes starts, for the question: "deploy (switch)". */
  action: string;
}

const statusWords: Record<LiveRun['status'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'FAILED',
  'rolled-back': 'ROLLED BACK (failed)',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** Waits for every run of the batch; resolves with them as they ended. */
export async function followRuns(services: Services, io: Output, batch: BatchStarted, options: FollowOptions) {
  const tty = process.stderr.isTTY === true;
  const prefixed = batch.runs.length > 1;
  const partial = new Map<number, string>();
  const write = (run: LiveRun, text: string) => {
    let shown = tty ? text : stripAnsi(text).replaceAll('\r\n', '\n');
    if (prefixed) {
      const lines = ((partial.get(run.id) ?? '') + shown).split('\n');
      partial.set(run.id, lines.pop()!);
      shown = lines.map((l) => `${run.host} | ${l}\n`).join('');
    }
    io.err(shown);
  };
  const stopOutput = services.deploy.onOutput(write);
  const questions = new Questions(io);
  const input = new InputForwarder(services, batch, questions);
  const asked = new Set<number>();
  const keepAsked = new Set<number>();
  const stopEvents = services.events.connect((channel, payload) => {
    if (channel !== 'run.progress') return;
    const run = payload as LiveRun;
    input.update();
    if (run.keepUntil !== null && !keepAsked.has(run.id) && batch.runs.some((r) => r.id === run.id)) {
      keepAsked.add(run.id);
      askToKeep(services, questions, input, run, run.keepUntil);
    }
    if (!run.awaitingApproval || asked.has(run.id) || !batch.runs.some((r) => r.id === run.id)) return;
    asked.add(run.id);
    if (options.yes) {
      const refused = options.allowOtherSystem || !run.diff ? null : otherSystemRefusal(run.host, run.diff);
      return refused ? services.deploy.cancel(run.id, refused) : services.deploy.approve(run.id);
    }
    const diff = run.diff
      ? describeDiff(run.diff, run.host)
          .map((l) => `  ${l}\n`)
          .join('')
      : '';
    void questions.ask(`\n${run.host}: what changes\n${diff}${options.action} ${run.host}? [y/N] `).then((yes) => {
      input.update();
      try {
        if (yes) services.deploy.approve(run.id);
        else services.deploy.cancel(run.id);
      } catch {
        // It ended meanwhile.
      }
    });
  });
  try {
    return await Promise.all(batch.runs.map((r) => services.deploy.finished(r.id)));
  } finally {
    stopOutput();
    stopEvents();
    input.stop();
    questions.close();
    for (const [id, rest] of partial) {
      const run = batch.runs.find((r) => r.id === id);
      if (rest && run) io.err(`${run.host} | ${rest}\n`);
    }
  }
}

/** The options of a command whose runs wait for approval: `--yes`, and the consent `--yes` alone does not give. */
export const approvalOptions = {
  yes: { type: 'boolean', short: 'y' },
  'allow-other-system': { type: 'boolean' },
} as const;

/** What the approval options say, for followRuns. */
export function approvalOf(values: ParsedCommandLine['values']): Pick<FollowOptions, 'yes' | 'allowOtherSystem'> {
  return { yes: values.yes === true, allowOtherSystem: values['allow-other-system'] === true };
}

/**
 * Why `--yes` alone does not approve a run whose target runs another host's system (the window asks to confirm that
 * apart), in a sentence; null when the target runs the host's own system or none.
 */
function otherSystemRefusal(host: string, diff: ClosureDiff): string | null {
  if (otherSystemWarning(host, diff) === null) return null;
  const name = diff.before ? storeName(diff.before) : null;
  const system = name ? ` (${name})` : '';
  return (
    `${host}'s deploy target runs the system of ${diff.runsSystemOf}${system}, and --yes alone does not replace ` +
    `another host's system: pass --allow-other-system as well to turn that machine into ${host}.`
  );
}

/**
 * "Keep this configuration? [y/N] (reverting in 58 s)", counting down on a terminal: y keeps, any other answer
 * reverts now, and no answer lets the machine go back by itself when its timer ends.
 */
function askToKeep(services: Services, questions: Questions, input: InputForwarder, run: LiveRun, until: number): void {
  const left = () => Math.max(0, Math.ceil((until - Date.now()) / 1000));
  const prompt = () => `Keep this configuration? [y/N] (reverting in ${left()} s) `;
  void questions.ask(`\n${run.host} switched. `, prompt, until).then((answer) => {
    input.update();
    if (answer === null) return;
    try {
      services.deploy.answerKeep(run.id, answer ? 'keep' : 'revert');
    } catch {
      // The machine decided meanwhile (its time ran out).
    }
  });
}

/** A line per run: its status and what happened. */
export function reportRuns(io: Output, runs: LiveRun[]): number {
  for (const run of runs) {
    const line = `${run.host}: ${statusWords[run.status]}${run.message ? ` — ${run.message}` : ''} (run #${run.id})\n`;
    if (run.status === 'succeeded') io.out(line);
    else io.err(line);
  }
  return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
}

/**
 * While a run activates (the only step that may ask, for sudo's password), what is typed goes to its terminal, and
 * the local tty is raw: the target's tty echoes what should be seen, and a password is not.
 */
class InputForwarder {
  readonly #services: Services;
  readonly #ids: Set<number>;
  readonly #questions: Questions;
  #terminal: string | undefined;
  #listening = false;

  constructor(services: Services, batch: BatchStarted, questions: Questions) {
    this.#services = services;
    this.#ids = new Set(batch.runs.map((r) => r.id));
    this.#questions = questions;
  }

  /** Called on every change of a run. */
  update(): void {
    if (!process.stdin.isTTY) return;
    this.#terminal = this.#questions.asking
      ? undefined
      : (this.#services.deploy
          .status()
          .filter((r) => this.#ids.has(r.id) && r.status === 'running')
          .flatMap((r) => r.steps.filter((s) => s.status === 'running' && ['profile', 'activate'].includes(s.name)))
          .find((s) => s.terminalId)?.terminalId ?? undefined);
    const want = this.#terminal !== undefined;
    if (want === this.#listening) return;
    this.#listening = want;
    process.stdin.setRawMode(want);
    if (want) process.stdin.on('data', this.#forward).resume();
    else process.stdin.off('data', this.#forward).pause();
  }

  stop(): void {
    this.#terminal = undefined;
    if (this.#listening) {
      this.#listening = false;
      process.stdin.setRawMode(false);
      process.stdin.off('data', this.#forward).pause();
    }
  }

  #forward = (data: Buffer): void => {
    if (!this.#terminal) return;
    try {
      this.#services.terminals.write(this.#terminal, data.toString('utf8'));
    } catch {
      // The step ended meanwhile.
    }
  };
}

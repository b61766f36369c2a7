// `flakedeck history [RUN]`: every build, deploy and rollback recorded, or one run with its steps (and its log).

import { ApiError } from '../../common/api/errors.ts';
import { describeRevision, formatDuration } from '../../common/model/runs.ts';
import type { RunDetail, RunSummary } from '../../common/model/runs.ts';
import { formatBytes } from '../../common/model/reboot-diff.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';
import type { Output } from './context.ts';

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const seconds = (from: number, to: number | null) => (to === null ? '' : formatDuration(from, to));

const revision = (run: RunSummary) => describeRevision(run) ?? '-';

function printList(io: Output, runs: RunSummary[]): void {
  if (runs.length === 0) return io.out('No builds or deploys recorded yet.\n');
  for (const r of runs) {
    io.out(
      [
        `#${r.id}`.padStart(6),
        time(r.startedAt),
        r.kind.padEnd(8),
        r.host.padEnd(12),
        (r.mode ?? '').padEnd(12),
        r.status.padEnd(11),
        seconds(r.startedAt, r.endedAt).padStart(8),
        revision(r),
      ].join('  ') + '\n',
    );
  }
}

function printRun(io: Output, run: RunDetail): void {
  io.out(`#${run.id} ${run.kind} of ${run.host}${run.mode ? ` (${run.mode})` : ''}: ${run.status}\n`);
  if (run.message) io.out(`  ${run.message}\n`);
  io.out(`  flake ${run.flake} at ${revision(run)}${run.target ? `, target ${run.target}` : ''}\n`);
  if (run.outPath) io.out(`  system ${run.outPath}\n`);
  for (const s of run.steps) {
    io.out(
      `  ${s.name.padEnd(9)} ${s.status.padEnd(11)} ${seconds(s.startedAt, s.endedAt).padStart(8)}  ${s.message ?? ''}\n`,
    );
  }
  if (run.diff) {
    const d = run.diff;
    io.out(
      `  diff: ${d.changed.length} changed, ${d.added.length} added, ${d.removed.length} removed; ` +
        `closure ${formatBytes(d.sizeBefore)} → ${formatBytes(d.sizeAfter)}\n`,
    );
  }
}

/** An escape sequence or a CR cut off at the end of a chunk: held back until the next chunk completes it. */
const unfinished = /(\x1b(\[[0-?]*[ -/]*)?|\r)$/;

/** Streams a log chunk by chunk, as plain text: memory stays that of one chunk whatever the log's size. */
async function printLog(io: Output, chunks: Iterable<string>): Promise<void> {
  let carry = '';
  for (const chunk of chunks) {
    const text = carry + chunk;
    const cut = unfinished.exec(text);
    carry = cut ? cut[0] : '';
    io.out(stripAnsi(text.slice(0, text.length - carry.length)).replaceAll('\r\n', '\n'));
    await io.drained?.();
  }
  if (carry) io.out(stripAnsi(carry));
}

export const historyCommand: Command = {
  usage: 'flakedeck history [RUN] [--host HOST] [--json] [--log]',
  options: { json: { type: 'boolean' }, host: { type: 'string' }, log: { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const { runs, historyProblem } = await ctx.services();
    // A history kept in memory holds nothing of earlier commands: showing it empty would mislead.
    if (historyProblem) throw ApiError.fromData(historyProblem);
    if (positionals[0] !== undefined) {
      const id = Number(positionals[0].replace(/^#/, ''));
      if (values.log) await printLog(ctx.io, runs.logChunks(id));
      else if (values.json) printJson(ctx.io, runs.get(id));
      else printRun(ctx.io, runs.get(id));
      return 0;
    }
    const list = runs.list({ host: values.host as string | undefined });
    if (values.json) printJson(ctx.io, list);
    else printList(ctx.io, list);
    return 0;
  },
};

// A 22 MB run log: `flakedeck history ID --log` streams it in the memory it takes for a log ten times smaller, in
// alternating pairs; and a page of lines at the log's end is read as fast as one at its start.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openHistoryDatabase } from '../main/history/database.ts';
import { RunStore } from '../main/history/run-store.ts';
import { historyFile } from '../main/app-paths.ts';
import { median, medianMs } from './bench.ts';
import type { Benchmark } from './bench.ts';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '..', 'bin', 'flakedeck.js');
const logMB = 22;
const pairs = 3;

/** Peak resident memory of the CLI, in MiB (GNU time's %M is KiB); its output is counted, not kept. */
async function peakMiB(args: string[], env: NodeJS.ProcessEnv): Promise<{ mib: number; bytes: number }> {
  const { stdout, stderr } = await run(
    'bash',
    ['-c', '/usr/bin/time -f "%M" node "$@" | wc -c', 'flakedeck', cli, ...args],
    { env, maxBuffer: 1 << 20 },
  );
  return { mib: Number(stderr.trim().split('\n').at(-1)) / 1024, bytes: Number(stdout.trim()) };
}

export const benchmark: Benchmark = {
  name: `history: a ${logMB} MB run log, streamed and paged`,
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-bench-log-'));
    try {
      const db = openHistoryDatabase(historyFile(dataDir));
      const runs = new RunStore(db);
      const write = (megabytes: number) => {
        const [id] = runs.begin([
          {
            batch: 'bench',
            kind: 'build',
            host: 'web',
            flake: '/flake',
            revision: null,
            dirty: null,
            mode: null,
            target: null,
          },
        ]);
        let written = 0;
        for (let i = 0; written < megabytes * 1e6; i++) {
          const line =
            i % 4 === 0
              ? `\x1b[1;32mbuilding\x1b[0m '/nix/store/${String(i).padStart(32, 'a')}-package-${i % 97}.drv'...\r\n`
              : `  [${String(i).padStart(7)}] copying path '/nix/store/${String(i).padStart(32, 'b')}-source'\r\n`;
          runs.appendLog(id!, line);
          written += line.length;
          if (i % 20_000 === 0) runs.flushLogs(id!);
        }
        runs.finish(id!, 'succeeded', null);
        return id!;
      };
      const id = write(logMB);
      const small = write(logMB / 10);
      const total = runs.logPage(id, 0, 1).total;
      const pageStart = await medianMs(50, () => runs.logPage(id, 0, 500));
      const pageEnd = await medianMs(50, () => runs.logPage(id, total - 500, 500));
      runs.close();
      db.close();

      const env = { ...process.env, FLAKEDECK_DATA_DIR: dataDir };
      const ratios: number[] = [];
      const withLog: number[] = [];
      const without: number[] = [];
      let streamed = 0;
      for (let i = 0; i < pairs; i++) {
        const steps = [
          async () => {
            const r = await peakMiB(['history', String(id), '--log'], env);
            withLog.push(r.mib);
            streamed = r.bytes;
          },
          async () => without.push((await peakMiB(['history', String(small), '--log'], env)).mib),
        ];
        for (const step of i % 2 ? steps.reverse() : steps) await step();
        ratios.push(withLog[i]! / without[i]!);
      }
      const list = (values: number[]) => `[${values.map((v) => v.toFixed(1)).join(', ')}]`;
      return [
        {
          name: `\`history ID --log\` peak memory: a ${logMB} MB log vs one of ${logMB / 10} MB`,
          value: median(ratios),
          unit: 'x',
          target: { atMost: 1.2 },
          detail:
            `median of ${pairs} alternating pairs ${list(ratios)}: ${list(withLog)} MiB against ` +
            `${list(without)} MiB; ${(streamed / 1e6).toFixed(1)} MB printed`,
        },
        {
          name: 'a page of 500 lines at the end of the log vs at its start',
          value: pageEnd / pageStart,
          unit: 'x',
          target: { atMost: 1.5 },
          detail: `${total.toLocaleString('en')} lines; start ${pageStart.toFixed(2)} ms, end ${pageEnd.toFixed(2)} ms (medians of 50)`,
        },
      ];
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

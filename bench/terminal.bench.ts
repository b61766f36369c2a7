// Terminal throughput from a pty to the app's rendered xterm, against a raw reader of the same pty in the same run
// (flow control must pace the program to what the window draws, not let output pile up); and how soon Ctrl-C
// stops a `yes` flood. The real renderer in Chromium through the test harness. For context, the detail also gives
// a bare xterm in the same page fed the same output at once, and a pty nobody renders.

import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { Benchmark } from './bench.ts';
import { EventHub } from '../main/api/event-hub.ts';
import { PtyHost } from '../main/terminal/pty-host.ts';
import { startHarness } from '../tests/harness/harness.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const payloadMiB = 16;
const runs = 5;
const interrupts = 7;
const endMarker = 'END-OF-PAYLOAD';
const prompt = /\^C\r\n(\x1b\[\?2004h)?bash-[\d.]+[$#] $/;

/** Build-log-like text: coloured status words, store paths, plain lines, some non-ASCII; `payloadMiB` long. */
function payload(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < payloadMiB << 20; i++) {
    const hash = (i * 2654435761).toString(36).padStart(32, '0').slice(-32);
    const line =
      i % 4 === 0
        ? `\x1b[1;32mbuilding\x1b[0m '/nix/store/${hash}-package-${i % 97}.${i % 13}.drv'...`
        : i % 4 === 1
          ? `\x1b[33mwarning:\x1b[0m option \x1b[1mservices.x${i}\x1b[0m is deprecated — see «manual» ✓`
          : `  [${String(i).padStart(7)}] copying path '/nix/store/${hash}-source' from 'https://cache.nixos.org'`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push(endMarker);
  return `${lines.join('\n')}\n`;
}

async function bundleBaseline(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'browser', 'xterm-baseline.ts'), formats: ['iife'], name: 'baseline' },
    },
  });
  const result = Array.isArray(output) ? output[0] : output;
  if (!result || !('output' in result)) throw new Error('bundling the baseline terminal gave no output');
  return result.output[0].code;
}

/** Resolves once `selector`'s rows show the end marker, checked every frame. */
function rendered(page: Page, selector: string, text = endMarker): Promise<unknown> {
  return page.waitForFunction(
    ([sel, marker]) => document.querySelector(`${sel} .xterm-rows`)?.textContent?.includes(marker!) ?? false,
    [selector, text],
    { polling: 'raf', timeout: 120_000 },
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mibps = (chars: number, ms: number) => chars / (1 << 20) / (ms / 1000);

export const benchmark: Benchmark = {
  name: 'terminal: pty → rendered xterm, and Ctrl-C during a flood',
  async run() {
    if (!existsSync(join(repoRoot, '.vite', 'renderer', 'main_window', 'index.html'))) {
      await build({ configFile: join(repoRoot, 'vite.renderer.config.ts'), logLevel: 'silent' });
    }
    const work = mkdtempSync(join(tmpdir(), 'flakedeck-terminal-bench-'));
    const payloadFile = join(work, 'payload.txt');
    writeFileSync(payloadFile, payload());
    const flake = makeFlakeRepo({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const harness = await startHarness({ flake: flake.path });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const terminals = harness.services.terminals;
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(harness.initScript);
      await page.addInitScript(await bundleBaseline());
      await page.goto(`${harness.url}#terminals`);
      await page.getByText('No terminals yet').waitFor();

      // A raw reader of a pty: the same program and file on a host no window watches (for the record).
      const rawHost = new PtyHost(new EventHub());
      const rawRuns: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const { id } = rawHost.spawn({ file: 'cat', args: [payloadFile], title: 'raw', kind: 'run' });
        let chars = 0;
        rawHost.onRawData(id, (d) => (chars += d.length));
        await rawHost.exited(id);
        rawRuns.push(mibps(chars, performance.now() - start - 200)); // node-pty closes 200 ms after the exit
      }

      const app: number[] = [];
      const reader: number[] = [];
      const bare: number[] = [];
      let captured = '';
      for (let i = 0; i < runs; i++) {
        // The app: a run that waits for a newline, so its tab is attached before the output starts.
        const { id } = terminals.spawn({
          file: 'bash',
          args: ['--norc', '--noprofile', '-c', 'read -r _ && exec cat "$0"', payloadFile],
          title: `bench ${i}`,
          kind: 'run',
        });
        const raw: string[] = [];
        let readerMs = 0;
        terminals.onRawData(id, (d) => {
          raw.push(d);
          if (d.includes(endMarker)) readerMs = performance.now() - start;
        });
        await page.goto(`${harness.url}#terminals/${id}`);
        await page.getByRole('tab', { name: `bench ${i}`, selected: true }).waitFor();
        await page.waitForTimeout(300);
        let start = performance.now();
        terminals.write(id, '\n');
        await rendered(page, '[data-testid="terminal-pane"]');
        const appMs = performance.now() - start;
        await terminals.exited(id);
        captured = raw.join('');
        app.push(mibps(captured.length, appMs));
        reader.push(mibps(captured.length, readerMs));

        // The baseline: the same pty output, written straight into a bare xterm of the same size and options.
        const rect = await page.getByTestId('terminal-pane').locator('.terminal-host').boundingBox();
        for (let at = 0; at < captured.length; at += 1 << 20) {
          await page.evaluate((chunk) => window.xtermBaseline.load(chunk), captured.slice(at, at + (1 << 20)));
        }
        start = performance.now();
        const replayed = page.evaluate((r) => window.xtermBaseline.replay(r), rect!);
        await rendered(page, '[data-testid="xterm-baseline"]');
        bare.push(mibps(captured.length, performance.now() - start));
        await replayed;
        await page.evaluate(() => window.xtermBaseline.dispose());
        terminals.close(id);
      }

      // Ctrl-C: from the key press in the page to the shell's prompt coming back through the pty.
      await page.goto(`${harness.url}#terminals`);
      await page.getByRole('button', { name: 'New shell' }).first().click();
      const shellId = await page
        .getByRole('tab', { selected: true })
        .evaluate((t) => t.closest('[data-id]')!.getAttribute('data-id')!);
      let output = '';
      terminals.onRawData(shellId, (d) => (output = (output + d).slice(-256)));
      const toPrompt: number[] = [];
      const toScreen: number[] = [];
      for (let i = 0; i < interrupts; i++) {
        await page.getByTestId('terminal-pane').click();
        await page.keyboard.type('yes');
        await page.keyboard.press('Enter');
        await page.waitForTimeout(1_000);
        if (!/(y\r\n){8}/.test(output)) throw new Error('the flood did not start');
        const back = new Promise<number>((done) => {
          const off = terminals.onRawData(shellId, () => {
            if (!prompt.test(output)) return;
            off();
            done(performance.now());
          });
        });
        const start = performance.now();
        await page.keyboard.press('Control+C');
        toPrompt.push((await back) - start);
        await page.waitForFunction(
          () => /[$#]\s*$/.test(document.querySelector('[data-testid="terminal-pane"] .xterm-rows')?.textContent ?? ''),
          undefined,
          { polling: 'raf' },
        );
        toScreen.push(performance.now() - start);
      }

      const appMiB = median(app);
      const list = (values: number[], digits = 1) => `[${values.map((v) => v.toFixed(digits)).join(', ')}]`;
      const ratios = app.map((value, i) => value / reader[i]!);
      const ofBare = app.map((value, i) => value / bare[i]!);
      return [
        {
          name: 'pty → rendered xterm vs a raw reader of the same pty, same run',
          value: median(ratios),
          unit: 'x',
          target: { atLeast: 0.9 },
          detail:
            `${(captured.length / (1 << 20)).toFixed(1)} MiB of build-log text, median of ${runs} runs ` +
            `${list(ratios, 2)}: rendered ${appMiB.toFixed(1)} MiB/s ${list(app)}, reader ` +
            `${median(reader).toFixed(1)} MiB/s. Context: a bare xterm fed the same output at once renders ` +
            `${median(bare).toFixed(1)} MiB/s ${list(bare)} (the app gets ${median(ofBare).toFixed(2)} of it); ` +
            `a pty nobody renders reads ${median(rawRuns).toFixed(1)} MiB/s`,
        },
        {
          name: 'Ctrl-C during a `yes` flood: key press to the prompt back from the pty',
          value: median(toPrompt),
          unit: 'ms',
          target: { atMost: 250 },
          detail:
            `median of ${interrupts}: [${toPrompt.map((v) => v.toFixed(0)).join(', ')}] ms; ` +
            `prompt on screen ${median(toScreen).toFixed(0)} ms`,
        },
      ];
    } finally {
      await browser.close();
      await harness.close();
      flake.remove();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

// Terminal throughput from a pty to the app's rendered xterm, against two baselines measured in the same run: a raw
// reader of the same program's output on a pty that nobody renders or paces (what the pty gives), and a bare xterm in
// the same page fed the same output as fast as its write callbacks allow (what drawing it allows). Also how soon
// Ctrl-C stops a `yes` flood, and how soon a program's exit is reported after its last output. The real renderer in
// Chromium through the test harness.

import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { median } from './bench.ts';
import type { Benchmark } from './bench.ts';
import { EventHub } from '../main/events/event-hub.ts';
import { PtyHost } from '../main/terminal/pty-host.ts';
import type { SpawnSpec } from '../main/terminal/terminal-types.ts';
import { startHarness } from '../tests/harness/harness.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const payloadMiB = 16;
const runs = 5;
const interrupts = 7;
const exits = 20;
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

const mibps = (chars: number, ms: number) => chars / (1 << 20) / (ms / 1000);
const list = (values: number[], digits = 1) => `[${values.map((v) => v.toFixed(digits)).join(', ')}]`;

/** The program every throughput run starts: it waits for a newline, so whoever reads is ready before it writes. */
const waitThenCat = (file: string, title: string): SpawnSpec => ({
  file: 'bash',
  args: ['--norc', '--noprofile', '-c', 'read -r _ && exec cat "$0"', file],
  title,
  kind: 'run',
});

/** Resolves with the time the end marker arrived in `session`'s raw output; the output goes to `into`. */
function rawEnd(host: PtyHost, id: string, into: string[]): Promise<number> {
  return new Promise((done) => {
    host.onRawData(id, (d) => {
      into.push(d);
      if (d.includes(endMarker)) done(performance.now());
    });
  });
}

/** Milliseconds from a program's last output to its exit event, for `seq 1 100000` (node-pty's own fallback: 200). */
async function exitDelays(host: PtyHost): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < exits; i++) {
    const { id } = host.spawn({ file: 'seq', args: ['1', '100000'], title: 'exit', kind: 'run' });
    let last = 0;
    host.onRawData(id, () => (last = performance.now()));
    await host.exited(id);
    delays.push(performance.now() - last);
  }
  return delays;
}

export const benchmark: Benchmark = {
  name: 'terminal: pty → rendered xterm, Ctrl-C during a flood, exit after the last output',
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
    // Sessions no window attaches to: nothing paces them, and their output is only read.
    const rawHost = new PtyHost(new EventHub());
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(harness.initScript);
      await page.addInitScript(await bundleBaseline());
      await page.goto(`${harness.url}#terminals`);
      await page.getByText('No terminals yet').waitFor();

      const app: number[] = [];
      const raw: number[] = [];
      const bare: number[] = [];
      const crowded: number[] = [];
      const parsed: number[] = [];
      let chars = 0;
      // Run -1 warms up: xterm's code (the app's and the baseline's copy) is slow until the JIT has seen it.
      for (let i = -1; i < runs; i++) {
        const record = (into: number[], value: number) => i >= 0 && into.push(value);
        // The raw reader: the same program and bytes on a pty that only a raw listener reads.
        const reader = rawHost.spawn(waitThenCat(payloadFile, 'raw'));
        const read: string[] = [];
        const readEnd = rawEnd(rawHost, reader.id, read);
        let start = performance.now();
        rawHost.write(reader.id, '\n');
        const rawMs = (await readEnd) - start;
        await rawHost.exited(reader.id);
        const output = read.join('');
        chars = output.length;
        record(raw, mibps(chars, rawMs));

        // The app: a run whose tab is attached before the output starts, drawn when the end marker is on screen.
        const { id } = terminals.spawn(waitThenCat(payloadFile, `bench ${i + 1}`));
        await page.goto(`${harness.url}#terminals/${id}`);
        await page.getByRole('tab', { name: `bench ${i + 1}`, selected: true }).waitFor();
        await page.waitForTimeout(300);
        start = performance.now();
        terminals.write(id, '\n');
        await rendered(page, '[data-testid="terminal-pane"]');
        record(app, mibps(chars, performance.now() - start));
        await terminals.exited(id);

        // The bare xterm: the same output, written straight into a terminal of the same size and options.
        const rect = await page.getByTestId('terminal-pane').locator('.terminal-host').boundingBox();
        for (let at = 0; at < chars; at += 1 << 20) {
          await page.evaluate((chunk) => window.xtermBaseline.load(chunk), output.slice(at, at + (1 << 20)));
        }
        start = performance.now();
        const replayed = page.evaluate((r) => window.xtermBaseline.replay(r), rect!);
        await rendered(page, '[data-testid="xterm-baseline"]');
        record(bare, mibps(chars, performance.now() - start));
        await replayed;
        await page.evaluate(() => window.xtermBaseline.dispose());
        // Again, with a raw reader flooding a pty beside it: what the pty's work alone costs xterm on this machine.
        let flooding = true;
        const flood = (async () => {
          while (flooding)
            await rawHost.exited(rawHost.spawn({ file: 'cat', args: [payloadFile], title: 'flood', kind: 'run' }).id);
        })();
        start = performance.now();
        const besideFlood = page.evaluate((r) => window.xtermBaseline.replay(r), rect!);
        await rendered(page, '[data-testid="xterm-baseline"]');
        record(crowded, mibps(chars, performance.now() - start));
        flooding = false;
        await Promise.all([besideFlood, flood]);
        await page.evaluate(() => window.xtermBaseline.dispose());
        // And xterm's parser alone: a terminal never opened draws nothing.
        start = performance.now();
        await page.evaluate(() => window.xtermBaseline.replay());
        record(parsed, mibps(chars, performance.now() - start));
        await page.evaluate(() => (window.xtermBaseline.dispose(), window.xtermBaseline.unload()));
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

      const delays = await exitDelays(rawHost);

      const ofBare = app.map((value, i) => value / bare[i]!);
      const ofRaw = app.map((value, i) => value / raw[i]!);
      const bareOfRaw = bare.map((value, i) => value / raw[i]!);
      const runsOf = `${(chars / (1 << 20)).toFixed(1)} MiB of build-log text, median of ${runs} runs`;
      return [
        {
          name: 'pty → rendered xterm vs a bare xterm fed the same output, same run',
          value: median(ofBare),
          unit: 'x',
          target: { atLeast: 0.9 },
          detail:
            `${runsOf} ${list(ofBare, 2)}: the app renders ${median(app).toFixed(1)} MiB/s ${list(app)}, ` +
            `the bare xterm ${median(bare).toFixed(1)} MiB/s ${list(bare)}; the bare xterm beside a pty flood ` +
            `(a raw reader, unpaced) ${median(crowded).toFixed(1)} MiB/s ${list(crowded)}, as the app's xterm ` +
            `shares the machine with its pty, main process and transport`,
        },
        {
          name: 'pty → rendered xterm vs a raw reader of the same pty, same run',
          value: median(ofRaw),
          unit: 'x',
          target: { atLeast: 0.9 },
          detail:
            `${runsOf} ${list(ofRaw, 2)}: the raw reader reads ${median(raw).toFixed(1)} MiB/s ${list(raw)}; ` +
            `the bare xterm draws ${median(bareOfRaw).toFixed(2)} of that ${list(bareOfRaw, 2)}, and xterm's parser ` +
            `alone, drawing nothing, reads ${median(parsed).toFixed(1)} MiB/s ${list(parsed)}` +
            (median(bareOfRaw) < 0.9
              ? ': xterm, not the pipeline into it, is what cannot keep up with a pty here'
              : ''),
        },
        {
          name: 'Ctrl-C during a `yes` flood: key press to the prompt back from the pty',
          value: median(toPrompt),
          unit: 'ms',
          target: { atMost: 250 },
          detail:
            `median of ${interrupts}: ${list(toPrompt, 0)} ms; prompt on screen ${median(toScreen).toFixed(0)} ms ` +
            `${list(toScreen, 0)}`,
        },
        {
          name: 'exit reported after the program’s last output',
          value: median(delays),
          unit: 'ms',
          target: { atMost: 20 },
          detail: `seq 1 100000, median of ${exits}: ${list(delays)} ms (node-pty's own fallback is 200 ms)`,
        },
      ];
    } finally {
      rawHost.dispose();
      await browser.close();
      await harness.close();
      flake.remove();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

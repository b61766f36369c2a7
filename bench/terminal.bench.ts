// Terminal throughput from a pty to the app's rendered xterm, against two baselines measured in the same run: a bare
// xterm in the same page fed the same output as fast as its write callbacks allow (what drawing it allows), with the
// same renderer, in alternating pairs; and a raw reader of the same program's output on a pty that nobody renders or
// paces (what the pty gives). Once with xterm's DOM renderer (the app's where there is no WebGL) and once with its
// WebGL renderer where Chromium offers WebGL (SwiftShader's software WebGL here: the code path, not a GPU). Also how
// soon Ctrl-C stops a `yes` flood, and how soon a program's exit is reported after its last output. The real renderer
// in Chromium through the test harness.

import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { alternatingPairs, median } from './bench.ts';
import type { Benchmark, Figure } from './bench.ts';
import { EventHub } from '../main/events/event-hub.ts';
import { PtyHost } from '../main/terminal/pty-host.ts';
import type { SpawnSpec } from '../main/terminal/terminal-types.ts';
import { startHarness } from '../tests/harness/harness.ts';
import { makeFlakeRepo } from '../tests/support/fixture-flake.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const payloadMiB = 16;
/** App and bare xterm, back to back in alternating order, after one warm-up pair. */
const pairs = 5;
const interruptRuns = 7;
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

/** Resolves once the page has drawn a frame after this call: what xterm parsed is on the screen. */
function drawn(page: Page): Promise<unknown> {
  return page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined)))),
  );
}

/** What the app's window did with a session: attached to it, and acknowledged (parsed) its output. */
interface WindowSide {
  /** Resolves once the window has attached to the session: its output from then on is counted and acknowledged. */
  attached(id: string): Promise<void>;
  /** Resolves with the time the window has acknowledged `chars` characters of the session's output. */
  parsed(id: string, chars: number): Promise<number>;
}

/** Follows the window's attachments and acknowledgements through the services it calls. */
function followWindow(host: PtyHost): WindowSide {
  const attaching = new Map<string, () => void>();
  const parsing = new Map<string, { acked: number; chars: number; done: (at: number) => void }>();
  const attach = host.attach.bind(host);
  host.attach = (id) => {
    const attachment = attach(id);
    attaching.get(id)?.();
    return attachment;
  };
  const acknowledge = host.acknowledge.bind(host);
  host.acknowledge = (id, chars, rate) => {
    acknowledge(id, chars, rate);
    const wait = parsing.get(id);
    if (!wait || (wait.acked += chars) < wait.chars) return;
    parsing.delete(id);
    wait.done(performance.now());
  };
  const within = <T>(what: string, start: (done: (value: T) => void) => void) =>
    new Promise<T>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the window ${what} within 5 minutes`)), 300_000);
      start((value) => (clearTimeout(timer), done(value)));
    });
  return {
    attached: (id) => within('did not attach', (done) => attaching.set(id, () => done(undefined))),
    parsed: (id, chars) =>
      within(`did not take ${chars} characters`, (done) => parsing.set(id, { acked: 0, chars, done })),
  };
}

/** Chromium as the tests run it, with WebGL taken away or given in software. */
function launch(webgl: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--no-first-run',
      ...(webgl ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu', '--disable-webgl']),
    ],
  });
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
  name: 'terminal: pty → rendered xterm (DOM and WebGL renderers), Ctrl-C during a flood, exit after the last output',
  async run() {
    if (!existsSync(join(repoRoot, '.vite', 'renderer', 'main_window', 'index.html'))) {
      await build({ configFile: join(repoRoot, 'vite.renderer.config.ts'), logLevel: 'silent' });
    }
    const work = mkdtempSync(join(tmpdir(), 'flakedeck-terminal-bench-'));
    const payloadFile = join(work, 'payload.txt');
    writeFileSync(payloadFile, payload());
    const flake = makeFlakeRepo({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const harness = await startHarness({ flake: flake.path });
    const terminals = harness.services.terminals;
    const appWindow = followWindow(terminals);
    const baseline = await bundleBaseline();
    // Sessions no window attaches to: nothing paces them, and their output is only read.
    const rawHost = new PtyHost(new EventHub());
    const browsers: Browser[] = [];

    /** A page of the app with the bare xterm loaded beside it, in Chromium with or without WebGL. */
    const appPage = async (webgl: boolean) => {
      const browser = await launch(webgl);
      browsers.push(browser);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(harness.initScript);
      await page.addInitScript(baseline);
      await page.goto(`${harness.url}#terminals`);
      await page.getByRole('button', { name: 'New shell' }).first().waitFor();
      return page;
    };

    /** The raw reader: the same program and bytes on a pty that only a raw listener reads. */
    const readRaw = async () => {
      const reader = rawHost.spawn(waitThenCat(payloadFile, 'raw'));
      const read: string[] = [];
      const readEnd = rawEnd(rawHost, reader.id, read);
      const start = performance.now();
      rawHost.write(reader.id, '\n');
      const ms = (await readEnd) - start;
      await rawHost.exited(reader.id);
      return { output: read.join(''), ms };
    };

    /** The app against the bare xterm, each drawing with `renderer`, in alternating pairs after a warm-up pair. */
    const throughput = async (page: Page, renderer: 'dom' | 'webgl') => {
      const { output } = await readRaw();
      const chars = output.length;
      for (let at = 0; at < chars; at += 1 << 20) {
        await page.evaluate((chunk) => window.xtermBaseline.load(chunk), output.slice(at, at + (1 << 20)));
      }
      const raw: number[] = [];
      let rect: { x: number; y: number; width: number; height: number } | null = null;
      let run = 0;
      // The app: a run whose tab is attached before the output starts, drawn once the window parsed all of it.
      const app = async () => {
        raw.push(mibps(chars, (await readRaw()).ms));
        const title = `bench ${++run}`;
        const { id } = terminals.spawn(waitThenCat(payloadFile, title));
        const attached = appWindow.attached(id);
        await page.goto(`${harness.url}#terminals/${id}`);
        await page.getByRole('tab', { name: title, selected: true }).waitFor();
        await attached;
        const parsed = appWindow.parsed(id, chars);
        const start = performance.now();
        terminals.write(id, '\n');
        await parsed;
        await drawn(page);
        const ms = performance.now() - start;
        const pane = page.getByTestId('terminal-pane');
        const drawnWith = (await pane.locator('.xterm-rows').count()) > 0 ? 'dom' : 'webgl';
        if (drawnWith !== renderer)
          throw new Error(`the app drew with the ${drawnWith} renderer, not the ${renderer} one`);
        rect ??= await pane.locator('.terminal-host').boundingBox();
        await terminals.exited(id);
        terminals.close(id);
        return mibps(chars, ms);
      };
      // The bare xterm: the same output, written straight into a terminal of the same size, options and renderer.
      const bare = async () => {
        const start = performance.now();
        const drawnWith = await page.evaluate(([r, w]) => window.xtermBaseline.replay(r!, w), [
          rect,
          renderer === 'webgl',
        ] as const);
        await drawn(page);
        const ms = performance.now() - start;
        await page.evaluate(() => window.xtermBaseline.dispose());
        if (drawnWith !== renderer)
          throw new Error(`the bare xterm drew with the ${drawnWith} renderer, not the ${renderer} one`);
        return mibps(chars, ms);
      };
      // The warm-up pair: xterm's code (the app's and the baseline's copy) is slow until the JIT has seen it.
      await app();
      await bare();
      raw.length = 0;
      const measured = await alternatingPairs(pairs, app, bare);
      await page.evaluate(() => window.xtermBaseline.unload());
      return {
        chars,
        app: measured.map((p) => p.subject),
        bare: measured.map((p) => p.baseline),
        raw,
      };
    };

    /** Ctrl-C: from the key press in the page to the shell's prompt coming back through the pty, and on the screen. */
    const interrupts = async (page: Page) => {
      await page.goto(`${harness.url}#terminals`);
      await page.getByRole('button', { name: 'New shell' }).first().click();
      const shellId = await page
        .getByRole('tab', { selected: true })
        .evaluate((t) => t.closest('[data-id]')!.getAttribute('data-id')!);
      let output = '';
      terminals.onRawData(shellId, (d) => (output = (output + d).slice(-256)));
      const toPrompt: number[] = [];
      const toScreen: number[] = [];
      for (let i = 0; i < interruptRuns; i++) {
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
      terminals.close(shellId);
      return { toPrompt, toScreen };
    };

    try {
      // Without WebGL: the DOM renderer, the app's fallback; the prompt after Ctrl-C is read from its rows.
      const domPage = await appPage(false);
      const dom = await throughput(domPage, 'dom');
      const { toPrompt, toScreen } = await interrupts(domPage);
      const webglPage = await appPage(true);
      const offersWebgl = await webglPage.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
      const webgl = offersWebgl ? await throughput(webglPage, 'webgl') : undefined;
      const delays = await exitDelays(rawHost);

      const runsOf = `${(dom.chars / (1 << 20)).toFixed(1)} MiB of build-log text, median of ${pairs} alternating pairs`;
      const versusBare = (of: typeof dom, renderer: string) => {
        const ratios = of.app.map((value, i) => value / of.bare[i]!);
        return {
          value: median(ratios),
          detail:
            `${runsOf} ${list(ratios, 2)}: the app renders ${median(of.app).toFixed(1)} MiB/s ${list(of.app)}, ` +
            `the bare xterm ${median(of.bare).toFixed(1)} MiB/s ${list(of.bare)}, both with the ${renderer} renderer`,
        };
      };
      const appRenderer = webgl ?? dom;
      const ofRaw = appRenderer.app.map((value, i) => value / appRenderer.raw[i]!);
      const bareOfRaw = appRenderer.bare.map((value, i) => value / appRenderer.raw[i]!);
      const figures: Figure[] = [
        {
          name: 'pty → rendered xterm vs a bare xterm fed the same output, DOM renderer (no WebGL), same run',
          target: { atLeast: 0.9 },
          unit: 'x',
          ...versusBare(dom, 'DOM'),
        },
      ];
      if (webgl) {
        const { value, detail } = versusBare(webgl, 'WebGL');
        figures.push({
          name: 'pty → rendered xterm vs a bare xterm fed the same output, WebGL renderer (software WebGL), same run',
          target: { atLeast: 0.9 },
          unit: 'x',
          value,
          detail: `${detail}; the bare xterm draws ${(median(webgl.bare) / median(dom.bare)).toFixed(2)}x as fast with WebGL as with the DOM`,
        });
      }
      figures.push(
        {
          name: `pty → rendered xterm vs a raw reader of the same pty, ${webgl ? 'WebGL' : 'DOM (Chromium offers no WebGL)'} renderer, same run`,
          value: median(ofRaw),
          unit: 'x',
          target: { atLeast: 0.9 },
          detail:
            `${runsOf} ${list(ofRaw, 2)}: the raw reader reads ${median(appRenderer.raw).toFixed(1)} MiB/s ` +
            `${list(appRenderer.raw)}; the bare xterm draws ${median(bareOfRaw).toFixed(2)} of that ${list(bareOfRaw, 2)}` +
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
            `median of ${interruptRuns}: ${list(toPrompt, 0)} ms; prompt on screen ${median(toScreen).toFixed(0)} ms ` +
            `${list(toScreen, 0)}`,
        },
        {
          name: 'exit reported after the program’s last output',
          value: median(delays),
          unit: 'ms',
          target: { atMost: 20 },
          detail: `seq 1 100000, median of ${exits}: ${list(delays)} ms (node-pty's own fallback is 200 ms)`,
        },
      );
      return figures;
    } finally {
      rawHost.dispose();
      for (const browser of browsers) await browser.close();
      await harness.close();
      flake.remove();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

// The pty host on real ptys: batching, flow control against a window, exits without a lost tail, scrollback.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from '../events/event-hub.ts';
import type { TerminalData } from '../../common/model/terminal.ts';
import { PtyHost } from './pty-host.ts';
import type { PtyHostOptions } from './pty-host.ts';
import type { SpawnSpec } from './terminal-types.ts';

const bash = (script: string): SpawnSpec => ({
  file: 'bash',
  args: ['--norc', '--noprofile', '-c', script],
  title: 'test',
  kind: 'run',
});
const shell: SpawnSpec = { file: 'bash', args: ['--norc', '--noprofile'], title: 'shell', kind: 'shell' };

const hosts: PtyHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.dispose();
  vi.unstubAllEnvs();
});

/** A host and everything it emitted, with helpers that play the window's part. */
function setup(options: PtyHostOptions = {}) {
  const events = new EventHub();
  const host = new PtyHost(events, options);
  hosts.push(host);
  const data: TerminalData[] = [];
  const channels: string[] = [];
  events.connect((channel, payload) => {
    channels.push(channel);
    if (channel === 'terminal.data') data.push(payload as TerminalData);
  });
  const shown = (id: string) =>
    data
      .filter((d) => d.id === id)
      .map((d) => d.data)
      .join('');
  const chars = (id: string) => shown(id).length;
  return { host, data, channels, shown, chars };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits until `count()` stops changing for `quietMs`. */
async function settled(count: () => number, quietMs = 300): Promise<number> {
  let last = -1;
  while (count() !== last) {
    last = count();
    await sleep(quietMs);
  }
  return last;
}

describe('PtyHost output batching', () => {
  it('coalesces a burst of small writes into a few events, in order and without gaps', async () => {
    const { host, data, shown } = setup();
    const { id } = host.spawn(bash('for i in $(seq 1 2000); do echo "line $i"; done'));
    host.attach(id);
    await host.exited(id);
    const lines = shown(id).split('\r\n').filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`));
    // 2000 writes by the program, far fewer events to the window.
    expect(data.length).toBeLessThan(200);
    let offset = 0;
    for (const event of data) {
      expect(event.offset).toBe(offset);
      offset += event.data.length;
    }
  });

  it('sends a trickle promptly, one event per write', async () => {
    const { host, data, shown } = setup();
    // Each line waits for the test's Enter: a line is sent on its own, without waiting for more output to batch.
    const { id } = host.spawn(bash('stty -echo; for i in 1 2 3 4; do echo "tick $i"; read -r _; done'));
    host.attach(id);
    for (let i = 1; i <= 4; i++) {
      await until(() => shown(id).includes(`tick ${i}`), `tick ${i}`, 60_000);
      host.write(id, '\r');
    }
    await host.exited(id);
    expect(data.map((d) => d.data)).toEqual(['tick 1\r\n', 'tick 2\r\n', 'tick 3\r\n', 'tick 4\r\n']);
  });
});

describe('PtyHost flow control', () => {
  it('pauses a flood at the high watermark until the window acknowledges, and resumes below the low one', async () => {
    const { host, chars } = setup({ watermarks: { high: 100_000, low: 5_000 } });
    const { id } = host.spawn({ file: 'yes', args: [], title: 'yes', kind: 'run' });
    let raw = 0;
    host.onRawData(id, (d) => (raw += d.length));
    host.attach(id);

    const held = await settled(() => chars(id));
    // The program is blocked, not just unheard: the pty is not read any more.
    const rawHeld = raw;
    await sleep(300);
    expect(raw).toBe(rawHeld);
    expect(held).toBeGreaterThan(100_000);
    expect(held).toBeLessThan(100_000 + 65_536 * 2);

    // Acknowledging some, but leaving more than the low watermark owed, keeps it paused.
    host.acknowledge(id, held - 10_000);
    await sleep(300);
    expect(chars(id)).toBe(held);

    host.acknowledge(id, 10_000);
    await until(() => chars(id) > held + 100_000, 'the flood to resume');
  });

  it('bounds what the window owes by the time it says it takes over it', async () => {
    const { host, chars } = setup();
    const { id } = host.spawn({ file: 'yes', args: [], title: 'yes', kind: 'run' });
    host.attach(id);
    const first = await settled(() => chars(id));
    expect(first).toBeLessThan(100_000 + 65_536 * 2);
    // A window that works through 5 000 characters a millisecond may be 80 ms, 400 000 characters, behind.
    host.acknowledge(id, first, 5_000);
    const more = (await settled(() => chars(id))) - first;
    expect(more).toBeGreaterThan(400_000);
    expect(more).toBeLessThan(400_000 + 65_536 * 2);
  });

  it('lets Ctrl-C through to a paused flood, and the prompt comes back', async () => {
    const { host, shown, chars } = setup();
    const { id } = host.spawn(shell);
    host.attach(id);
    await until(() => /[$#] $/.test(shown(id)), 'the prompt');
    host.write(id, 'yes\r');
    await settled(() => chars(id), 200);
    host.write(id, '\x03');
    // Play the window: acknowledge everything shown until the prompt is back after the flood.
    let acked = 0;
    await until(() => {
      host.acknowledge(id, chars(id) - acked);
      acked = chars(id);
      return /\^C\r\n(\x1b\[\?2004h)?bash-[\d.]+[$#] $/.test(shown(id).slice(-64));
    }, 'the prompt after Ctrl-C');
    host.write(id, 'echo $((6*7))\r');
    await until(() => shown(id).includes('\r42\r\n'), 'the shell to answer');
  });

  it('drains the output of a program that exits while paused, for the window and for raw listeners', async () => {
    const { host, shown } = setup({ watermarks: { high: 100_000, low: 5_000 } });
    // Enough to pause, small enough that the rest fits in the pty's buffer so the program can exit while paused.
    const { id } = host.spawn(bash('head -c 110000 /dev/zero | tr "\\0" x; echo; echo END'));
    const raw: string[] = [];
    host.onRawData(id, (d) => raw.push(d));
    host.attach(id);
    await host.exited(id);
    expect(raw.join('')).toBe(`${'x'.repeat(110_000)}\r\nEND\r\n`);
    expect(shown(id)).toBe(raw.join(''));
  });

  it('detaches a window that stopped acknowledging, so a run never hangs on a closed window', async () => {
    const { host, shown } = setup({ stallMs: 300 });
    const { id } = host.spawn(bash('seq 1 200000; echo DONE'));
    host.attach(id);
    const status = await host.exited(id);
    expect(status.exitCode).toBe(0);
    // Nothing was sent after the window was given up on; the scrollback still has the end.
    expect(shown(id)).not.toContain('DONE');
    const { scrollback, offset } = host.attach(id);
    expect(scrollback.endsWith('200000\r\nDONE\r\n')).toBe(true);
    expect(offset).toBeGreaterThan(1_000_000);
  });

  it('runs freely when no window is attached, as for the CLI or a deploy nobody watches', async () => {
    const { host, data } = setup();
    const { id } = host.spawn(bash('seq 1 100000'));
    let raw = '';
    host.onRawData(id, (d) => (raw += d));
    expect((await host.exited(id)).exitCode).toBe(0);
    expect(raw.endsWith('99999\r\n100000\r\n')).toBe(true);
    expect(data).toEqual([]);
  });
});

describe('PtyHost exit', () => {
  it('reports the exit only after the last byte of a program that writes a lot and exits, run after run', async () => {
    const { host } = setup();
    // libuv's end of stream can come before the pty is drained; unhandled, the tail goes missing in about half of
    // these runs.
    for (let batch = 0; batch < 10; batch++) {
      const tails = await Promise.all(
        [0, 1, 2].map(async () => {
          const { id } = host.spawn(bash('seq 1 100000'));
          let raw = '';
          host.onRawData(id, (d) => (raw += d));
          await host.exited(id);
          return { length: raw.length, tail: raw.slice(-15) };
        }),
      );
      // 488 895 digits and 100 000 newlines, which the pty turns into \r\n.
      expect(tails).toEqual(Array(3).fill({ length: 488_895 + 2 * 100_000, tail: '99999\r\n100000\r\n' }));
    }
  });

  it('takes a resize between the pty closing and the exit being reported, as a window fitting its tab sends it', async () => {
    const { host } = setup();
    for (let run = 0; run < 20; run++) {
      const { id } = host.spawn(bash('echo done'));
      const exited = host.exited(id);
      let ended = false;
      void exited.then(() => (ended = true));
      // Resizes every tick until the exit is reported: none may throw (node-pty's closed descriptor gave EBADF).
      while (!ended) {
        host.resize(id, 100 + (run % 2), 30);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await exited).toEqual({ exitCode: 0 });
    }
  });

  it('decodes characters that the pty cuts between two reads', async () => {
    const { host, shown } = setup();
    const { id } = host.spawn(bash('for i in $(seq 1 2000); do printf "✓«é»€𝄞"; done; echo'));
    let raw = '';
    host.onRawData(id, (d) => (raw += d));
    host.attach(id);
    await host.exited(id);
    expect(raw).toBe(`${'✓«é»€𝄞'.repeat(2000)}\r\n`);
    expect(shown(id)).toBe(raw);
  });
});

describe('PtyHost scrollback', () => {
  it('keeps the last MiB of a long output, starting at a line, for a tab opened later', async () => {
    const { host } = setup();
    const { id } = host.spawn(bash('seq 1 400000'));
    await host.exited(id);
    const { scrollback, offset, info } = host.attach(id);
    expect(info.exited).toEqual({ exitCode: 0 });
    expect(scrollback.length).toBeLessThanOrEqual(1_048_576);
    expect(scrollback.length).toBeGreaterThan(1_048_576 - 4096);
    expect(scrollback.endsWith('399999\r\n400000\r\n')).toBe(true);
    const first = Number(scrollback.slice(0, scrollback.indexOf('\r\n')));
    expect(scrollback.startsWith(`${first}\r\n${first + 1}\r\n`)).toBe(true);
    // seq printed 2 288 895 digits and 400 000 newlines, which the pty turns into \r\n.
    expect(offset).toBe(2_288_895 + 2 * 400_000);
  });

  it('gives a reloaded window the scrollback, then continues the stream where it ends', async () => {
    const { host, data, shown } = setup();
    const { id } = host.spawn(shell);
    host.attach(id);
    await until(() => /[$#] $/.test(shown(id)), 'the prompt');
    host.write(id, 'echo before\r');
    await until(() => shown(id).includes('before\r\n'), 'the first answer');
    const reload = host.attach(id);
    expect(reload.scrollback).toBe(shown(id));
    const seen = data.length;
    host.write(id, 'echo after\r');
    await until(() => shown(id).includes('after\r\n'), 'the second answer');
    expect(data[seen]!.offset).toBe(reload.offset);
  });
});

describe('PtyHost sessions', () => {
  it('shows filtered output to the window and the program’s own to raw listeners, the filter’s rest at exit', async () => {
    const { host, shown } = setup();
    const lines: string[] = [];
    const { id } = host.spawn({
      ...bash('printf "one\\ntwo\\nthr"'),
      filter: {
        write: (chunk) => chunk.toUpperCase(),
        end: () => '[end]',
      },
    });
    host.onRawData(id, (d) => lines.push(d));
    host.attach(id);
    await host.exited(id);
    expect(lines.join('')).toBe('one\r\ntwo\r\nthr');
    expect(shown(id)).toBe('ONE\r\nTWO\r\nTHR[end]');
  });

  it('announces sessions, their exit and their closing, and lists them meanwhile', async () => {
    const { host, channels } = setup();
    const info = host.spawn(shell);
    expect(info).toMatchObject({ title: 'shell', kind: 'shell', exited: null });
    expect(info.pid).toBeGreaterThan(0);
    expect(host.list()).toEqual([info]);
    host.kill(info.id, 'SIGKILL');
    expect(await host.exited(info.id)).toEqual({ exitCode: 0, signal: 9 });
    expect(host.list()[0]!.exited).toEqual({ exitCode: 0, signal: 9 });
    host.close(info.id);
    expect(host.list()).toEqual([]);
    expect(channels).toEqual(['terminal.opened', 'terminal.exit', 'terminal.closed']);
    expect(() => host.write(info.id, 'x')).toThrow(/no terminal session/);
  });

  it('closing a running session ends its program', async () => {
    const { host } = setup();
    const { id, pid } = host.spawn(shell);
    const exited = host.exited(id);
    host.close(id);
    await exited;
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('keeps only the newest exited sessions', async () => {
    const { host } = setup({ keepExited: 2 });
    const ids = [1, 2, 3].map(() => host.spawn(bash('true')).id);
    await Promise.all(ids.map((id) => host.exited(id)));
    await sleep(0);
    expect(host.list().length).toBe(2);
  });

  it('does not hand the age key or Flakedeck’s own settings to a program unless asked', async () => {
    vi.stubEnv('SOPS_AGE_KEY', 'AGE-SECRET-KEY-1DEMO');
    vi.stubEnv('SOPS_AGE_KEY_FILE', '/home/alice/.config/sops/age/keys.txt');
    vi.stubEnv('FLAKEDECK_DATA_DIR', '/tmp/flakedeck');
    vi.stubEnv('KEEP_ME', 'yes');
    const { host } = setup();
    const run = async (spec: SpawnSpec) => {
      let out = '';
      const { id } = host.spawn(spec);
      host.onRawData(id, (d) => (out += d));
      await host.exited(id);
      return out;
    };
    const inherited = await run(bash('env'));
    expect(inherited).toContain('KEEP_ME=yes');
    expect(inherited).toContain('TERM=xterm-256color');
    expect(inherited).not.toMatch(/SOPS_AGE_KEY|AGE-SECRET-KEY|FLAKEDECK_/);
    const asked = await run({ ...bash('env'), env: { SOPS_AGE_KEY: 'AGE-SECRET-KEY-1DEMO' } });
    expect(asked).toContain('SOPS_AGE_KEY=AGE-SECRET-KEY-1DEMO');
    const replaced = await run({ ...bash('env'), env: { ONLY: '1' }, replaceEnv: true });
    expect(replaced).not.toContain('KEEP_ME');
    expect(replaced).toContain('ONLY=1');
  });
});

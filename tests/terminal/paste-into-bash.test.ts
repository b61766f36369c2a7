// Pasting into a real bash 5 with readline's bracketed paste on: a breakout attempt lands as text, never runs.

import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../main/events/event-hub.ts';
import { PtyHost } from '../../main/terminal/pty-host.ts';
import { sanitizePaste } from '../../renderer/features/terminals/paste.ts';

let host: PtyHost | undefined;
afterEach(() => host?.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bash with bracketed paste on, and what xterm's paste() sends for a text: line breaks as CR, in the markers. */
async function bashWithBracketedPaste() {
  host = new PtyHost(new EventHub());
  const { id } = host.spawn({ file: 'bash', args: ['--norc', '--noprofile'], title: 'bash', kind: 'shell' });
  let output = '';
  host.onRawData(id, (d) => (output += d));
  const h = host;
  const waitFor = async (seen: (text: string) => boolean, what: string, from = 0) => {
    for (let i = 0; i < 1000 && !seen(output.slice(from)); i++) await sleep(10);
    if (!seen(output.slice(from))) throw new Error(`bash never printed ${what}`);
  };
  await waitFor((text) => text.includes('\x1b[?2004h'), 'a prompt with bracketed paste on');
  return {
    /** Pastes, and waits until bash has echoed `last` (a discard before that would drop the unread paste). */
    async paste(text: string, last: string) {
      const start = output.length;
      h.write(id, `\x1b[200~${text.replace(/\r?\n/g, '\r')}\x1b[201~`);
      await waitFor((seen) => seen.includes(last), JSON.stringify(last), start);
    },
    /** Discards the line, runs a marker command and waits for it: whatever the paste ran has printed by then. */
    async settle(marker: string) {
      const start = output.length;
      h.write(id, '\x03');
      // Input typed before bash has handled the interrupt would join the line it is discarding.
      await waitFor((text) => /\^C[^]*[$#] $/.test(text), 'a fresh prompt', start);
      h.write(id, `echo ${marker}-$((1+1))\r`);
      await waitFor((text) => text.includes(`${marker}-2`), marker, start);
      return output;
    },
  };
}

const attempts = {
  'end marker, then a command': 'echo safe\x1b[201~\recho pwned-$((6*7))\r',
  'end marker in the middle of a word': 'ls\x1b[201~echo pwned-$((6*7))\r',
  'C1 CSI as the end marker': 'true\x9b201~\recho pwned-$((6*7))\r',
  'reassembled marker': 'true\x1b[20\x1b[201~1~\recho pwned-$((6*7))\r',
};

describe('pasting into bash', () => {
  it('the unsanitised end-marker attempt does run its command (so the test can tell)', async () => {
    const bash = await bashWithBracketedPaste();
    await bash.paste(attempts['end marker, then a command'], 'echo pwned-$((6*7))');
    expect(await bash.settle('control')).toContain('pwned-42');
  });

  for (const [name, text] of Object.entries(attempts)) {
    it(`a sanitised paste with ${name} runs nothing`, async () => {
      const bash = await bashWithBracketedPaste();
      // The pasted command line is shown, as text the user can read before pressing Enter.
      await bash.paste(sanitizePaste(text), 'echo pwned-$((6*7))');
      expect(await bash.settle('after')).not.toContain('pwned-42');
    });
  }

  it('a multi-line sanitised paste waits for Enter instead of running line by line', async () => {
    const bash = await bashWithBracketedPaste();
    await bash.paste(sanitizePaste('echo one-$((0+1))\necho two-$((1+1))\n'), 'echo two-$((1+1))');
    const output = await bash.settle('after');
    expect(output).not.toMatch(/one-1|two-2/);
  });
});

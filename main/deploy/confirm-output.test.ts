// The confirmation's retries: each thing ssh says shows once, and the passing of the target's window once.

import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../flake/nix-errors.ts';
import { quietRetries } from './confirm-output.ts';

describe('confirmation retries', () => {
  it('shows a repeated ssh error once, then once that the target rolls back by itself, then nothing', () => {
    let now = 0;
    const read: string[] = [];
    const show = quietRetries((line) => (read.push(line), line.startsWith('@flakedeck path') ? null : line), {
      endsAt: 30_000,
      seconds: 30,
      giveUpAt: 600_000,
      now: () => now,
    });
    const denied = 'root@127.0.0.1: Permission denied (publickey).';
    const shown: (string | null)[] = [];
    for (now = 0; now < 120_000; now += 1000) shown.push(show(denied));
    const visible = shown.filter((s): s is string => s !== null).map(stripAnsi);
    expect(visible).toHaveLength(2);
    expect(visible[0]).toBe(denied);
    expect(visible[1]).toMatch(
      /^The target's 30 s confirmation window has passed: unconfirmed, it goes back to its previous generation by itself\. Checking quietly whether it did, until /,
    );
    // The reader still saw every line: markers and failures are recorded as before.
    expect(read).toHaveLength(120);
    expect(show('@flakedeck confirm rolled-back')).toBe('@flakedeck confirm rolled-back');
  });
});

// xterm's pace: measured over the time it has output queued, not while it waits for more.

import { describe, expect, it } from 'vitest';
import { ParsePace } from './parse-pace.ts';

describe('ParsePace', () => {
  it('counts only the time with output queued, and gives a rate once it has seen enough', () => {
    const clock = { t: 0 };
    const pace = new ParsePace(() => clock.t);
    pace.handed(1000);
    clock.t = 10;
    pace.parsed(1000);
    // Idle: waiting for output is no work.
    clock.t = 500;
    expect(pace.take()).toBeUndefined();
    pace.handed(2000);
    pace.handed(3000);
    clock.t = 510;
    pace.parsed(2000);
    clock.t = 530;
    expect(pace.take()).toBe(3000 / 40);
    pace.parsed(3000);
    // A new sample starts where the last one ended, here in the middle of a busy stretch.
    pace.handed(6000);
    clock.t = 560;
    pace.parsed(6000);
    expect(pace.take()).toBe(9000 / 30);
    expect(pace.take()).toBeUndefined();
  });
});

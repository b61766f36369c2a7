// The bounded scrollback: the last characters, cut at a line start where one is near.

import { describe, expect, it } from 'vitest';
import { Scrollback } from './scrollback.ts';

describe('Scrollback', () => {
  it('keeps the last characters up to its limit, cut at a line start, and counts all of them', () => {
    const scrollback = new Scrollback(20);
    for (let i = 0; i < 10; i++) scrollback.append(`line ${i}\r\n`);
    expect(scrollback.end).toBe(80);
    expect(scrollback.length).toBeLessThanOrEqual(20);
    expect(scrollback.text()).toBe('line 8\r\nline 9\r\n');
  });

  it('cuts inside a line that has no break nearby', () => {
    const scrollback = new Scrollback(5);
    scrollback.append('abcdefgh');
    expect(scrollback.text()).toBe('defgh');
    scrollback.append('ij');
    expect(scrollback.text()).toBe('fghij');
  });
});

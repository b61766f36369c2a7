// Output batching: a window's worth of chunks as one event, a full batch at once, nothing after discard.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputBatcher } from './output-batcher.ts';

describe('OutputBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the chunks of one 5 ms window as one batch, in order', () => {
    const sent: string[] = [];
    const batcher = new OutputBatcher((d) => sent.push(d), { delayMs: 5, maxChars: 1000 });
    batcher.push('a');
    vi.advanceTimersByTime(2);
    batcher.push('b');
    batcher.push('');
    batcher.push('c');
    vi.advanceTimersByTime(2);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['abc']);
    batcher.push('d');
    vi.advanceTimersByTime(5);
    expect(sent).toEqual(['abc', 'd']);
  });

  it('sends a full batch at once instead of waiting', () => {
    const sent: string[] = [];
    const batcher = new OutputBatcher((d) => sent.push(d), { delayMs: 5, maxChars: 4 });
    batcher.push('ab');
    batcher.push('cd');
    expect(sent).toEqual(['abcd']);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(['abcd']);
  });

  it('flushes on demand and discards when nobody listens', () => {
    const sent: string[] = [];
    const batcher = new OutputBatcher((d) => sent.push(d), { delayMs: 5, maxChars: 100 });
    batcher.push('x');
    batcher.flush();
    batcher.push('lost');
    batcher.discard();
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(['x']);
  });
});

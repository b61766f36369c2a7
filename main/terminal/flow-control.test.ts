// ACK flow control: when a producer pauses and resumes, and what it still owes.

import { describe, expect, it } from 'vitest';
import { FlowControl } from './flow-control.ts';

function producer() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

describe('FlowControl', () => {
  it('pauses above the high watermark and resumes only below the low one', () => {
    const p = producer();
    const flow = new FlowControl(p, { high: 100, low: 10 });
    flow.sent(100);
    expect(p.calls).toEqual([]);
    flow.sent(1);
    expect(p.calls).toEqual(['pause']);
    flow.sent(50);
    flow.acknowledged(100);
    expect(flow.unacknowledged).toBe(51);
    expect(p.calls).toEqual(['pause']);
    flow.acknowledged(45);
    expect(p.calls).toEqual(['pause', 'resume']);
    expect(flow.paused).toBe(false);
    // What is still in flight keeps counting towards the next pause.
    expect(flow.unacknowledged).toBe(6);
    flow.sent(95);
    expect(p.calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('forgets what was owed when a new consumer takes over', () => {
    const p = producer();
    const flow = new FlowControl(p, { high: 10, low: 5 });
    flow.sent(50);
    flow.reset();
    expect(p.calls).toEqual(['pause', 'resume']);
    expect(flow.unacknowledged).toBe(0);
    flow.acknowledged(1000);
    expect(flow.unacknowledged).toBe(0);
  });

  it('refuses watermarks that could never resume', () => {
    expect(() => new FlowControl(producer(), { high: 5, low: 5 })).toThrow(RangeError);
    const adaptive = { highMs: 10, lowMs: 10, max: 100 };
    expect(() => new FlowControl(producer(), { high: 10, low: 5, adaptive })).toThrow(RangeError);
  });
});

describe('FlowControl in time', () => {
  const marks = { high: 100, low: 50, adaptive: { highMs: 10, lowMs: 5, max: 1000 } };

  it('starts from the fixed watermarks, then holds what the consumer says it works through in highMs', () => {
    const p = producer();
    const flow = new FlowControl(p, marks);
    expect(flow.watermarks).toEqual({ high: 100, low: 50 });
    flow.sent(101);
    expect(p.calls).toEqual(['pause']);
    // 30 characters a millisecond: 300 may be owed, and the producer resumes below 150.
    flow.acknowledged(1, 30);
    expect(flow.watermarks).toEqual({ high: 300, low: 150 });
    expect(p.calls).toEqual(['pause', 'resume']);
    flow.sent(200);
    expect(flow.paused).toBe(false);
    flow.sent(1);
    expect(flow.paused).toBe(true);
  });

  it('follows a consumer that slows down, but never below the fixed watermarks nor above its bound', () => {
    const flow = new FlowControl(producer(), marks);
    flow.acknowledged(0, 500);
    expect(flow.watermarks).toEqual({ high: 1000, low: 500 });
    flow.acknowledged(0, 20);
    expect(flow.watermarks).toEqual({ high: 200, low: 100 });
    flow.acknowledged(0, 1);
    expect(flow.watermarks).toEqual({ high: 100, low: 50 });
    // Acknowledgements without a rate leave it as it was.
    flow.acknowledged(0, 20);
    flow.acknowledged(0);
    expect(flow.watermarks).toEqual({ high: 200, low: 100 });
  });

  it('keeps fixed watermarks fixed, whatever the consumer reports', () => {
    const flow = new FlowControl(producer(), { high: 100, low: 50 });
    flow.acknowledged(0, 500);
    expect(flow.watermarks).toEqual({ high: 100, low: 50 });
  });
});

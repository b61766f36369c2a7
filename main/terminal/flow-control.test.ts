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
  });
});

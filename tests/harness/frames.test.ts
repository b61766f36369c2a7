// The test transport's frames: messages back intact however the stream cuts them, long strings not escaped.

import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './frames.ts';

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('test transport frames', () => {
  const messages = [
    { id: 1, envelope: { ok: true, value: { scrollback: `${'«é✓ \x1b[1m'.repeat(400)}\u{1F600}`, offset: 7 } } },
    { event: 'terminal.data', payload: { id: 'a', data: 'short', offset: 0 } },
    { event: 'x', payload: [null, 'y'.repeat(5000), { nested: ['z'.repeat(2000), 3] }] },
  ];

  it('gives back every message, long strings included, however the stream cuts the bytes', () => {
    const bytes = concat(messages.flatMap((m) => encodeFrame(m)));
    for (const step of [1, 3, 7, 1000, bytes.length]) {
      const reader = new FrameReader();
      const got: unknown[] = [];
      for (let at = 0; at < bytes.length; at += step) got.push(...reader.push(bytes.subarray(at, at + step)));
      expect(got).toEqual(messages);
    }
  });

  it('carries long strings as raw UTF-8, not escaped into the JSON', () => {
    const data = '\x1b[32m'.repeat(1000);
    const parts = encodeFrame({ payload: { data } });
    expect(parts.reduce((n, p) => n + p.length, 0)).toBeLessThan(data.length + 100);
  });
});

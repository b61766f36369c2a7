// Splitting a log's ANSI text into coloured segments.

import { describe, expect, it } from 'vitest';
import { ansiSegments } from './ansi.ts';

describe('ansi segments', () => {
  it('keeps colours and weight of a log, drops what only moves the cursor, and merges equal runs', () => {
    const log = '\x1b[1;34m── build ──\x1b[0m\r\n\x1b[0m\x1b[Kplain \x1b[31mred\x1b[0m \x1b[2mdim\x1b[22m\r\nend';
    expect(ansiSegments(log)).toEqual([
      { text: '── build ──', bold: true, dim: false, color: 4 },
      { text: '\nplain ', bold: false, dim: false, color: null },
      { text: 'red', bold: false, dim: false, color: 1 },
      { text: ' ', bold: false, dim: false, color: null },
      { text: 'dim', bold: false, dim: true, color: null },
      { text: '\nend', bold: false, dim: false, color: null },
    ]);
  });
});

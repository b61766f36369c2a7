import { describe, expect, it } from 'vitest';
import { sanitizePaste } from './paste.ts';

describe('sanitizePaste', () => {
  it('keeps ordinary text, tabs, line breaks and any script', () => {
    const text = 'nix build .#nixosConfigurations.vps\n\tcd ~/src\r\nprintf "日本語 🙂 ±"\n';
    expect(sanitizePaste(text)).toBe(text);
  });

  it('removes a bracketed-paste end marker that would let the rest run as typed', () => {
    expect(sanitizePaste('echo safe\x1b[201~\recho pwned\r')).toBe('echo safe\recho pwned\r');
    expect(sanitizePaste('\x1b[200~ls\x1b[201~id\r')).toBe('lsid\r');
  });

  it('removes the escape of a marker that removal itself reassembles', () => {
    expect(sanitizePaste('a\x1b[20\x1b[201~1~b')).toBe('a[201~b');
  });

  it('removes the C1 one-character CSI and every other C1 control', () => {
    expect(sanitizePaste('a\x9b201~b\x85c\x9dd')).toBe('a201~bcd');
  });

  it('removes control keys a program acts on even inside a bracketed paste', () => {
    // NUL, ^C, ^D, BS, ^O, ^Q, ^R, ^S, ^U, ^V, ^W, ^Z, ^\, DEL, ESC, form feed, vertical tab.
    const keys = '\x00\x03\x04\x08\x0f\x11\x12\x13\x15\x16\x17\x1a\x1c\x7f\x1b\x0c\x0b';
    expect(sanitizePaste(`rm${keys} -i file`)).toBe('rm -i file');
  });

  it('defuses escape sequences by removing their ESC', () => {
    expect(sanitizePaste('\x1b]52;c;ZXZpbA==\x07ok\x1b[31m')).toBe(']52;c;ZXZpbA==ok[31m');
  });
});

import { describe, expect, it } from 'vitest';
import { linkTarget } from './link-target.ts';

describe('linkTarget', () => {
  it('opens http and https links as parsed', () => {
    expect(linkTarget('https://nixos.org/manual')).toEqual({
      url: 'https://nixos.org/manual',
      shown: 'https://nixos.org/manual',
    });
    expect(linkTarget('http://[::1]:8080/a b').url).toBe('http://[::1]:8080/a%20b');
  });

  it('never opens another scheme, but shows what it was', () => {
    expect(linkTarget('javascript:alert(1)')).toEqual({ url: null, shown: 'javascript:alert(1)' });
    expect(linkTarget('file:///etc/shadow').url).toBeNull();
    expect(linkTarget('not a url').url).toBeNull();
  });

  it('shows a target with control or bidi-override characters so it cannot pass for another', () => {
    expect(linkTarget('javascript:\x1b]0;x\x07\u202egro.soxin').shown).toBe(
      'javascript:\ufffd]0;x\ufffd\ufffdgro.soxin',
    );
  });
});

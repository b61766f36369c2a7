// External links: only http and https reach the opener.

import { describe, expect, it } from 'vitest';
import { ExternalLinks } from './external-links.ts';

describe('ExternalLinks', () => {
  it('opens http and https links through the opener, as parsed', async () => {
    const opened: string[] = [];
    const links = new ExternalLinks(async (url) => void opened.push(url));
    await links.open('https://nixos.org/manual/nixos/stable/');
    await links.open('HTTP://Example.com/a b');
    expect(opened).toEqual(['https://nixos.org/manual/nixos/stable/', 'http://example.com/a%20b']);
  });

  it('refuses every other scheme and text that is no URL, without calling the opener', async () => {
    const opened: string[] = [];
    const links = new ExternalLinks(async (url) => void opened.push(url));
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'app://flakedeck/index.html', 'ssh://vps', 'x']) {
      await expect(links.open(url)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    }
    expect(opened).toEqual([]);
  });

  it('says where links open when there is no window to open them from', async () => {
    await expect(new ExternalLinks().open('https://nixos.org')).rejects.toThrow(/only from the Flakedeck window/);
  });
});

// The sender check the Electron glue applies to every IPC call and navigation, under Node: the app's own page only.

import { describe, expect, it } from 'vitest';
import { ipcSender, originCheck } from './sender-check.ts';

describe('sender check', () => {
  const packaged = originCheck(['app://flakedeck']);
  const development = originCheck(['http://localhost:5173']);

  it("accepts the app's own page at any path, packaged and from the development server", () => {
    for (const url of ['app://flakedeck/index.html', 'app://flakedeck/', 'app://flakedeck/index.html#deploy/web']) {
      expect(packaged({ url }), url).toBe(true);
    }
    expect(development({ url: 'http://localhost:5173/#hosts' })).toBe(true);
  });

  it('refuses every other origin, however close it looks', () => {
    for (const url of [
      'app://flakedeck.evil/index.html',
      'app://flakedeck@evil/index.html',
      'app://evil/app://flakedeck/',
      'app://FLAKEDECK/index.html',
      'https://flakedeck/index.html',
      'file:///app/flakedeck/index.html',
      'devtools://devtools/bundled/inspector.html',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(packaged({ url }), url).toBe(false);
    }
    for (const url of ['http://localhost:5174/', 'https://localhost:5173/', 'http://127.0.0.1:5173/']) {
      expect(development({ url }), url).toBe(false);
    }
  });

  it('takes the calling frame as the sender, and none when the frame is gone', () => {
    expect(ipcSender({ senderFrame: { url: 'app://flakedeck/index.html' } })).toEqual({
      url: 'app://flakedeck/index.html',
    });
    // An iframe inside the app's page calls with its own URL, and is refused as any other page.
    expect(packaged(ipcSender({ senderFrame: { url: 'https://evil.example/frame.html' } }))).toBe(false);
    expect(packaged(ipcSender({ senderFrame: null }))).toBe(false);
    expect(packaged(ipcSender({}))).toBe(false);
  });
});

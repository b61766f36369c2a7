// The Electron security gate: it passes this repository and catches each weakening it looks for.

import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixture-flake.ts';
import { checkCsp, checkMainSource, checkRepository } from './electron-config.ts';

describe('Electron security gate', () => {
  it('finds nothing wrong in this repository', () => {
    expect(checkRepository(repoRoot)).toEqual([]);
  });

  it('catches a weakened window', () => {
    const bad = `new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true, webSecurity: false } });`;
    expect(checkMainSource('bad.ts', bad).map((f) => f.problem)).toEqual([
      'webPreferences.contextIsolation must be true',
      'webPreferences.sandbox must be true',
      'webPreferences.nodeIntegration must be false',
      'webPreferences.webSecurity must not be false',
    ]);
    expect(checkMainSource('implicit.ts', `new BrowserWindow({ webPreferences: {} });`)).toHaveLength(3);
  });

  it('catches window.open allowed and openExternal without an allowlist', () => {
    const bad = `
      contents.setWindowOpenHandler(() => ({ action: 'allow' }));
      function open(url: string) { return shell.openExternal(url); }`;
    expect(checkMainSource('bad.ts', bad).map((f) => f.problem)).toEqual([
      "setWindowOpenHandler must deny new windows ({ action: 'deny' })",
      'shell.openExternal is called without checking isAllowedExternalUrl first',
    ]);
    const good = `function open(url: string) { if (!isAllowedExternalUrl(url)) return; return shell.openExternal(url); }`;
    expect(checkMainSource('good.ts', good)).toEqual([]);
  });

  it('catches a missing or loose CSP', () => {
    expect(checkCsp('x', undefined)).toEqual([{ file: 'x', line: 0, problem: 'no Content-Security-Policy' }]);
    expect(checkCsp('x', "default-src 'self'; script-src 'self' 'unsafe-eval'").map((f) => f.problem)).toEqual([
      "default-src must be 'none'",
      "script-src allows more than 'self': 'self' 'unsafe-eval'",
      'object-src is missing',
    ]);
  });
});

// Every ssh the app starts goes through main/targets: no other module of main names ssh as a program, builds its
// options or a store URL for it. A second, hand-made ssh command line would skip the one check of the settings.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const mainFolder = join(import.meta.dirname, '..');

/** What only an ssh caller writes: the program's name as a string, nix's ssh options, an ssh store URL. */
const sshCaller = /(['"])(ssh|ssh-keyscan|ssh-copy-id|scp|sftp)\1|NIX_SSHOPTS|ssh(-ng)?:\/\//;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('ssh callers', () => {
  it('are all in main/targets', () => {
    const outside = sources(mainFolder)
      .map((file) => relative(mainFolder, file))
      .filter((file) => !file.startsWith('targets/'))
      .flatMap((file) =>
        readFileSync(join(mainFolder, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (sshCaller.test(line) ? [`main/${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(outside).toEqual([]);
  });

  it('would catch a module that spawns ssh by itself', () => {
    expect(sshCaller.test(`spawn('ssh', args)`)).toBe(true);
    expect(sshCaller.test(`execFile("ssh-keyscan", ['-t', 'ed25519', host])`)).toBe(true);
    expect(sshCaller.test(`env: { NIX_SSHOPTS: opts }`)).toBe(true);
    expect(sshCaller.test('const url = `ssh://${host}`')).toBe(true);
    expect(sshCaller.test(`// over SSH, with the user's ssh config`)).toBe(false);
  });
});

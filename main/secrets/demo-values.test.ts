// The published demo values of a flake and what replaces each: random values of the same kind, new SSH keys, and
// placeholders for what only the user has.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listedDemoValues, replaceDemoValues } from './demo-values.ts';
import { Branch } from './tree.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';

const listed = listedDemoValues(repoRoot);

describe('demo values', () => {
  it("lists every demo value of the repository's secrets/layout.json", () => {
    expect(listed).toContain('DEMO-restic-vps-0e6b8f1d2c47a935');
    expect(listed).toContain('demo');
    expect([...listed].filter((v) => v.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----'))).toHaveLength(4);
    expect(listedDemoValues(tmpdir())).toEqual(new Set());
  });

  it('replaces only the demo values, each by its kind, and leaves password hashes to the new password', () => {
    const oldKey = [...listed].find((v) => v.includes('OPENSSH'))!;
    const tree = new Branch([
      { key: 'restic', value: new Branch([{ key: 'password', value: 'DEMO-restic-vps-0e6b8f1d2c47a935' }, { key: 'ssh-key', value: oldKey }]) },
      { key: 'grafana', value: new Branch([{ key: 'secret-key', value: 'DEMOf8369b28a4847fc98f577e7e370ffadc' }]) },
      { key: 'nix', value: new Branch([{ key: 'access-tokens', value: 'access-tokens = github.com=github_pat_DEMO' }]) },
      { key: 'wifi', value: new Branch([{ key: 'home-psk', value: 'DEMO-wifi' }]) },
      { key: 'hash', value: '$6$salt$abc' },
      { key: 'mine', value: 'a real value of the user' },
      { key: 'port', value: 22n },
    ]);
    const isDemo = (v: string) => v !== 'a real value of the user';
    const { branches, changes } = replaceDemoValues([tree], 'secrets/vps.yaml', isDemo);
    const out = branches[0]!;
    const at = (a: string, b: string) => (out.get(a) as Branch).get(b) as string;
    expect(at('restic', 'password')).toMatch(/^[\w-]{43}$/);
    expect(at('grafana', 'secret-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(at('nix', 'access-tokens')).toBe('# FILL IN: access-tokens = …');
    expect(at('wifi', 'home-psk')).toBe('FILL-IN-home-psk');
    expect(out.get('hash')).toBe('$6$salt$abc');
    expect(out.get('mine')).toBe('a real value of the user');
    expect(out.get('port')).toBe(22n);
    expect(changes.map((c) => [c.key, c.action])).toEqual([
      ['restic/password', 'generated'],
      ['restic/ssh-key', 'generated'],
      ['grafana/secret-key', 'generated'],
      ['nix/access-tokens', 'fill-in'],
      ['wifi/home-psk', 'fill-in'],
    ]);
    // The new SSH key is a key ssh-keygen reads, and the one whose public half the change names.
    const dir = mkdtempSync(join(tmpdir(), 'flakedeck-demo-values-'));
    try {
      writeFileSync(join(dir, 'key'), at('restic', 'ssh-key'), { mode: 0o600 });
      const publicLine = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'key')], { encoding: 'utf8' }).trim();
      expect(publicLine).toBe(changes[1]!.publicKey);
      expect(publicLine).toMatch(/ restic@vps$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

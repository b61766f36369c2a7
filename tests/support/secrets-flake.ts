// A temporary flake folder with the repository's .sops.yaml, host keys and demo admin key, for secrets tests.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './fixture-flake.ts';
import { encryptPlain } from '../../main/secrets/sops-file.ts';
import { loadSopsConfig, ruleForFile } from '../../main/secrets/sops-config.ts';

export const demoAdminKeyFile = join(repoRoot, 'tests', 'demo-keys', 'admin.age-key.DEMO.txt');

export function demoAdminIdentity(): string {
  return readFileSync(demoAdminKeyFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
}

export interface SecretsFlake {
  path: string;
  /** Encrypts `plaintext` to `secrets/<name>` by the flake's creation rules, or to the given recipients. */
  writeSecret(name: string, plaintext: string, recipients?: string[]): Promise<string>;
  remove(): void;
}

export function makeSecretsFlake(prefix = 'flakedeck-secrets-flake-'): SecretsFlake {
  const path = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(path, 'flake.nix'), '{ outputs = { self }: { }; }\n');
  cpSync(join(repoRoot, '.sops.yaml'), join(path, '.sops.yaml'));
  cpSync(join(repoRoot, 'hosts'), join(path, 'hosts'), { recursive: true, filter: (src) => !src.endsWith('.nix') });
  mkdirSync(join(path, 'secrets'));
  return {
    path,
    async writeSecret(name, plaintext, recipients) {
      const file = join(path, 'secrets', name);
      const rule = ruleForFile(loadSopsConfig(join(path, '.sops.yaml')), file);
      const plan = recipients ? { groups: [recipients], shamirThreshold: 0 } : rule.plan;
      writeFileSync(file, await encryptPlain(new TextEncoder().encode(plaintext), 'yaml', { plan, rules: rule.rules }));
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

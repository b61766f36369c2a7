// The files of this repository's secrets setup, to copy into a fixture: .sops.yaml, secrets/, the hosts' public
// keys, the users' authorized keys and the published demo keys. Tests that rewrite keys work on such a copy, never on the repository.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from './fixture-flake.ts';

function filesUnder(folder: string, keep: (name: string) => boolean = () => true): string[] {
  return readdirSync(join(repoRoot, folder), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && keep(d.name))
    .map((d) => join(d.parentPath, d.name).slice(repoRoot.length + 1));
}

/** Relative path → text of each file of the repository's secrets setup. */
export function repositorySecretsFiles(): Record<string, string> {
  const files = [
    '.sops.yaml',
    ...filesUnder('secrets'),
    ...filesUnder('hosts', (name) => name === 'ssh_host_ed25519_key.pub'),
    ...filesUnder(join('nix', 'users'), (name) => name.endsWith('.authorized_keys')),
    ...filesUnder(join('tests', 'demo-keys')),
  ];
  return Object.fromEntries(files.map((file) => [file, readFileSync(join(repoRoot, file), 'utf8')]));
}

/** A flake of the repository's four hosts declaring its secrets (tests/fixtures/flakes/secrets-hosts), with them. */
export function secretsHostsFlake(): Record<string, string> {
  return {
    ...repositorySecretsFiles(),
    'flake.nix': readFileSync(join(fixturesDir, 'secrets-hosts', 'flake.nix'), 'utf8'),
  };
}

// Where a flake uses the published demo keys: "make this repository yours" is offered on this repository and not on
// a flake without them.

import { afterEach, describe, expect, it } from 'vitest';
import { findDemoMaterial } from './demo-material.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { secretsHostsFlake } from '../../tests/support/repository-copy.ts';

let repo: FlakeRepo | undefined;
afterEach(() => repo?.remove());

describe('demo material of a flake', () => {
  it("finds the repository's demo keys in .sops.yaml, the hosts, the login keys and the secret files", async () => {
    repo = makeFlakeRepo(secretsHostsFlake(), 'flakedeck-demo-material-');
    const { places } = await findDemoMaterial(repo.path);
    expect(places.filter((p) => p.file === '.sops.yaml').map((p) => p.line)).toEqual([9, 10, 11, 12, 13]);
    expect(places.filter((p) => p.what === 'a published demo host key').map((p) => p.file)).toEqual(
      ['desktop', 'homelab', 'laptop', 'vps'].map((h) => `hosts/${h}/ssh_host_ed25519_key.pub`),
    );
    expect(places).toContainEqual({ file: 'nix/users/alice.authorized_keys', line: 1, what: 'a published demo login key' });
    expect(places.filter((p) => p.what === 'encrypted to a published demo key')).toHaveLength(5);
  });

  it('finds none in a flake without demo keys, even one with secrets of its own', async () => {
    repo = makeFlakeRepo('four-hosts', 'flakedeck-no-demo-');
    expect(await findDemoMaterial(repo.path)).toEqual({ places: [] });
    // The same secrets setup without the published keys (tests/demo-keys/): nothing is known to be published.
    repo.remove();
    const files = Object.fromEntries(Object.entries(secretsHostsFlake()).filter(([f]) => !f.startsWith('tests/demo-keys/')));
    repo = makeFlakeRepo(files, 'flakedeck-no-demo-');
    expect(await findDemoMaterial(repo.path)).toEqual({ places: [] });
  });
});

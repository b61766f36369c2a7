import { describe, expect, it } from 'vitest';
import type { PersistentRoot } from '../../../common/model/manifest.ts';
import { persistenceSnippet } from './persistence-snippet.ts';

const root = { storage: '/state', source: 'nixos' } as PersistentRoot;
const homes = [{ user: 'alice', home: '/home/alice' }];

describe('persistence snippet', () => {
  it("keeps system paths at the top and a home's paths under its user, relative, on the host's root", () => {
    expect(
      persistenceSnippet({ host: 'web', persistentRoots: [root], homes }, [
        { path: '/var/lib/syncthing', kind: 'directory' },
        { path: '/etc/ssh/ssh_host_rsa_key', kind: 'file' },
        { path: '/home/alice/.config/foo', kind: 'directory' },
      ]),
    ).toBe(
      [
        '# In a module of web:',
        'environment.persistence."/state" = {',
        '  directories = [',
        '    "/var/lib/syncthing"',
        '  ];',
        '  files = [',
        '    "/etc/ssh/ssh_host_rsa_key"',
        '  ];',
        '  users.alice = {',
        '    directories = [',
        '      ".config/foo"',
        '    ];',
        '  };',
        '};',
      ].join('\n'),
    );
  });

  it('says to import impermanence where the host has no persistent root', () => {
    const text = persistenceSnippet({ host: 'bare', persistentRoots: [], homes: [] }, [
      { path: '/var/lib/postgresql', kind: 'directory' },
    ]);
    expect(text).toContain('imports = [ inputs.impermanence.nixosModules.impermanence ];');
    expect(text).toContain('environment.persistence."/persist" = {\n  directories = [\n    "/var/lib/postgresql"');
  });
});

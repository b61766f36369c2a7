// What a system's store path name says: its NixOS version, and which host of a flake it is named for.

import { describe, expect, it } from 'vitest';
import { hostOfSystem, versionOfSystem } from './system-name.ts';

const system = (name: string) => `/nix/store/${'a'.repeat(32)}-${name}`;

describe('system names', () => {
  it('reads the NixOS version after the host name', () => {
    expect(versionOfSystem(system('nixos-system-web-2-24.05.20240601.abcdef1'))).toBe('24.05.20240601.abcdef1');
  });

  it('finds the host a system is named for by the longest host name that fits, whatever its label', () => {
    const hostNames = { web: 'web', web2: 'web-2', db: 'db-main', bare: null };
    expect(hostOfSystem(system('nixos-system-web-24.05.fixture'), hostNames)).toBe('web');
    expect(hostOfSystem(system('nixos-system-web-2-24.05.fixture'), hostNames)).toBe('web2');
    expect(hostOfSystem(system('nixos-system-db-main-my-label'), hostNames)).toBe('db');
    expect(hostOfSystem(system('nixos-system-nixos-24.05.fixture'), hostNames)).toBeNull();
    expect(hostOfSystem(system('home-manager-generation'), hostNames)).toBeNull();
  });
});

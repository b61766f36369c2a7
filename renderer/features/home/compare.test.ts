// Comparing a user's home-manager environment across hosts: what is the same everywhere, what differs.

import { describe, expect, it } from 'vitest';
import type { HomeManagerUser } from '../../../common/model/manifest.ts';
import { compareHomes } from './compare.ts';

const home = (over: Partial<HomeManagerUser>): HomeManagerUser => ({
  username: 'alice',
  homeDirectory: '/home/alice',
  stateVersion: null,
  packages: [],
  packageVersions: {},
  programs: [],
  services: [],
  files: [],
  sessionVariables: {},
  ...over,
});

describe('home comparison', () => {
  it('splits each section into what is the same everywhere and what differs', () => {
    const sections = compareHomes([
      {
        host: 'a',
        home: home({
          packages: ['git', 'rg'],
          packageVersions: { git: '2', rg: '13' },
          programs: ['zsh'],
          sessionVariables: { EDITOR: 'vi' },
        }),
      },
      {
        host: 'b',
        home: home({
          packages: ['git', 'rg', 'htop'],
          packageVersions: { git: '2', rg: '14' },
          programs: ['zsh'],
          sessionVariables: { EDITOR: 'vi' },
        }),
      },
    ]);
    const byId = Object.fromEntries(sections.map((s) => [s.id, s]));
    expect(byId.packages!.same).toEqual([{ key: 'git', values: { a: '2', b: '2' } }]);
    expect(byId.packages!.differs).toEqual([
      { key: 'htop', values: { a: null, b: 'on' } },
      { key: 'rg', values: { a: '13', b: '14' } },
    ]);
    expect(byId.programs!.same.map((r) => r.key)).toEqual(['zsh']);
    expect(byId.sessionVariables!.same).toEqual([{ key: 'EDITOR', values: { a: 'vi', b: 'vi' } }]);
    expect(byId.services).toMatchObject({ same: [], differs: [] });
  });
});

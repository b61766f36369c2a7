// A host's paths as trees: where each path lives, homes apart, filters and search.

import { describe, expect, it } from 'vitest';
import type { HostManifest, PersistEntry } from '../../../common/model/manifest.ts';
import { buildTrees, filterTree, importantPaths, isNamed } from './path-tree.ts';
import type { PathNode } from './path-tree.ts';

const entry = (path: string, kind: PersistEntry['kind'], user?: string): PersistEntry => ({
  path,
  kind,
  storage: '/persist',
  ...(user && { user, homePath: path.replace(/^\/home\/[^/]+\//, '') }),
  declaredBy: ['environment.persistence'],
  declaredIn: [],
});

const fs = (mountPoint: string, fsType: string) => ({
  mountPoint,
  fsType,
  device: null,
  options: [],
  neededForBoot: false,
  ephemeral: fsType === 'tmpfs',
  bind: false,
});

const manifest = {
  host: 'laptop',
  ephemeralRoot: true,
  fileSystems: [fs('/', 'tmpfs'), fs('/nix', 'btrfs'), fs('/persist', 'btrfs')],
  persistentRoots: [
    {
      storage: '/persist',
      hideMounts: true,
      enableDebugging: false,
      source: 'nixos',
      mountPoint: '/persist',
      fsType: 'btrfs',
      neededForBoot: true,
      directories: 2,
      files: 1,
    },
  ],
  persistence: [
    entry('/var/lib/nixos', 'directory'),
    entry('/etc/machine-id', 'file'),
    entry('/home/alice/.ssh', 'directory', 'alice'),
  ],
  homes: [{ user: 'alice', home: '/home/alice' }],
  homeManager: {
    alice: {
      username: 'alice',
      homeDirectory: '/home/alice',
      stateVersion: null,
      packages: [],
      packageVersions: {},
      programs: [],
      services: [],
      files: ['.config/git/ignore'],
      sessionVariables: {},
    },
  },
  state: [{ service: 'syncthing', path: '/var/lib/syncthing', kind: 'directory', source: 'StateDirectory' }],
} as unknown as HostManifest;

const paths = (node: PathNode | undefined): string[] =>
  node ? [node.path, ...node.children.flatMap((c) => paths(c))] : [];
const find = (node: PathNode, path: string): PathNode => {
  if (node.path === path) return node;
  for (const c of node.children) if (path === c.path || path.startsWith(`${c.path}/`)) return find(c, path);
  throw new Error(`${path} is not in the tree`);
};

describe('path tree', () => {
  const { system, homes } = buildTrees(manifest);

  it('places every path: wiped, kept, store, runtime', () => {
    expect(find(system, '/var/lib/nixos')).toMatchObject({ placement: 'persistent', kind: 'directory' });
    expect(find(system, '/etc/machine-id')).toMatchObject({ placement: 'persistent', kind: 'file' });
    expect(find(system, '/var/lib/syncthing')).toMatchObject({ placement: 'ephemeral' });
    expect(find(system, '/var/lib/syncthing').state.map((s) => s.service)).toEqual(['syncthing']);
    expect(find(system, '/nix')).toMatchObject({ placement: 'store' });
    expect(find(system, '/run')).toMatchObject({ placement: 'runtime' });
    expect(find(system, '/persist').root?.storage).toBe('/persist');
  });

  it('shows homes in trees of their own, with home-manager links marked', () => {
    expect(paths(system)).not.toContain('/home/alice/.ssh');
    expect(find(system, '/home/alice').homeOf).toBe('alice');
    const alice = homes[0]!.tree;
    expect(alice.name).toBe('/home/alice');
    expect(find(alice, '/home/alice/.ssh').placement).toBe('persistent');
    expect(find(alice, '/home/alice/.config/git/ignore')).toMatchObject({ placement: 'managed', kind: 'file' });
  });

  it('filters by placement and searches, keeping the folders above a match', () => {
    const wiped = filterTree(system, 'ephemeral', '');
    expect(paths(wiped)).toContain('/var/lib/syncthing');
    expect(paths(wiped)).not.toContain('/var/lib/nixos');
    expect(paths(filterTree(system, 'all', 'SYNC'))).toEqual(['/', '/var', '/var/lib', '/var/lib/syncthing']);
    expect(filterTree(system, 'persistent', 'nothing-like-this')).toBeUndefined();
  });

  it('tells the paths the configuration names from the folders only above them', () => {
    expect(isNamed(find(system, '/var/lib/nixos'))).toBe(true);
    expect(isNamed(find(system, '/var/lib/syncthing'))).toBe(true);
    expect(isNamed(find(system, '/var/lib'))).toBe(false);
    expect(isNamed(find(system, '/var'))).toBe(false);
  });

  it('lists what matters: the state a reboot wipes, and what is kept, without the folders above', () => {
    // A place inside another of the same service's is left to the manifest's list of unpersisted state.
    const withInner = {
      ...manifest,
      state: [...manifest.state, { ...manifest.state[0]!, path: '/var/lib/syncthing/index' }],
    };
    const important = importantPaths(buildTrees(withInner), manifest.state);
    expect(important.wiped.map((n) => n.path)).toEqual(['/var/lib/syncthing']);
    expect(important.kept.map((n) => n.path)).toEqual(['/etc/machine-id', '/var/lib/nixos', '/home/alice/.ssh']);
  });
});

// The file system of a host as a tree of the paths its manifest names, each placed: wiped at boot, kept on a
// persistent root, on another mount, made at boot, or recreated by home-manager.

import type {
  EntryKind,
  FileSystemInfo,
  HostManifest,
  PersistEntry,
  PersistentRoot,
  StatePath,
} from '../../../common/model/manifest.ts';
import { isWithin, joinPath, locatePath } from '../../../common/model/path-location.ts';
import type { PathLocation } from '../../../common/model/path-location.ts';

export type Placement = 'ephemeral' | 'persistent' | 'mount' | 'store' | 'runtime' | 'managed' | 'unknown';

export interface PathNode {
  path: string;
  name: string;
  kind: EntryKind;
  placement: Placement;
  location: PathLocation;
  children: PathNode[];
  /** The persistence entry declared for exactly this path. */
  entry?: PersistEntry;
  /** The file system mounted exactly here. */
  mount?: FileSystemInfo;
  /** The persistent root that is exactly this path. */
  root?: PersistentRoot;
  /** Services that keep state exactly here. */
  state: StatePath[];
  /** A file home-manager links into the home at every activation. */
  managed: boolean;
  /** The start of a user's home, shown in its own tree. */
  homeOf?: string;
}

export interface HostTrees {
  system: PathNode;
  homes: { user: string; home: string; tree: PathNode }[];
}

/** Folders every NixOS system has, shown for context even when nothing is declared in them. */
const contextPaths = ['/etc', '/var/lib', '/var/log', '/home', '/root', '/srv', '/tmp', '/run'];

class TreeBuilder {
  readonly #manifest: HostManifest;
  readonly #nodes = new Map<string, PathNode>();
  readonly top: PathNode;

  constructor(manifest: HostManifest, top: string) {
    this.#manifest = manifest;
    this.top = this.#node(top);
    this.top.name = top;
  }

  #node(path: string): PathNode {
    let node = this.#nodes.get(path);
    if (!node) {
      const location = locatePath(this.#manifest, path);
      node = {
        path,
        name: path.slice(path.lastIndexOf('/') + 1) || '/',
        kind: 'directory',
        placement: location.kind,
        location,
        children: [],
        state: [],
        managed: false,
      };
      this.#nodes.set(path, node);
    }
    return node;
  }

  /** The node for `path` and every folder between it and the top. */
  add(path: string): PathNode {
    const node = this.#node(path);
    let child = node;
    while (child.path !== this.top.path) {
      const parentPath = child.path.slice(0, child.path.lastIndexOf('/')) || '/';
      const parent = this.#node(isWithin(parentPath, this.top.path) ? parentPath : this.top.path);
      if (!parent.children.includes(child)) parent.children.push(child);
      child = parent;
    }
    return node;
  }

  finish(): PathNode {
    const sort = (n: PathNode) => {
      if (n.children.length) n.kind = 'directory';
      n.children.sort((a, b) => a.name.localeCompare(b.name));
      n.children.forEach(sort);
    };
    sort(this.top);
    return this.top;
  }
}

export function buildTrees(manifest: HostManifest): HostTrees {
  const homes = manifest.homes;
  const homeOf = (path: string) => homes.find((h) => isWithin(path, h.home));
  const system = new TreeBuilder(manifest, '/');
  const homeTrees = new Map(homes.map((h) => [h.user, new TreeBuilder(manifest, h.home)]));
  // A path in a home goes to that home's tree; the system tree only shows where the home starts.
  const add = (path: string): PathNode => {
    const home = homeOf(path);
    if (!home) return system.add(path);
    system.add(home.home).homeOf = home.user;
    return homeTrees.get(home.user)!.add(path);
  };

  for (const path of contextPaths) add(path);
  for (const fs of manifest.fileSystems) if (!fs.bind) add(fs.mountPoint).mount = fs;
  for (const root of manifest.persistentRoots) add(root.storage).root = root;
  for (const entry of manifest.persistence) {
    const node = add(entry.path);
    node.entry = entry;
    node.kind = entry.kind;
  }
  for (const state of manifest.state) {
    const node = add(state.path);
    node.state.push(state);
    if (!node.entry) node.kind = state.kind;
  }
  for (const hm of Object.values(manifest.homeManager)) {
    for (const file of hm.files) {
      const node = add(joinPath(hm.homeDirectory, file));
      node.managed = true;
      node.kind = 'file';
      // A link home-manager makes again at every activation survives a wiped home.
      if (node.placement === 'ephemeral') node.placement = 'managed';
    }
  }
  return {
    system: system.finish(),
    homes: homes.map((h) => ({ ...h, tree: homeTrees.get(h.user)!.finish() })),
  };
}

export type PlacementFilter = 'all' | 'ephemeral' | 'persistent' | 'other';

function matchesFilter(node: PathNode, filter: PlacementFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'ephemeral') return node.placement === 'ephemeral';
  if (filter === 'persistent') return node.placement === 'persistent';
  return !['ephemeral', 'persistent'].includes(node.placement);
}

/** The tree cut down to the nodes that match, with the folders above them; undefined when nothing matches. */
export function filterTree(node: PathNode, filter: PlacementFilter, query: string): PathNode | undefined {
  const q = query.trim().toLowerCase();
  const children = node.children.flatMap((c) => filterTree(c, filter, query) ?? []);
  const matches = matchesFilter(node, filter) && (!q || node.path.toLowerCase().includes(q));
  if (!matches && children.length === 0) return undefined;
  return { ...node, children };
}

/** The configuration names this path itself (an entry, a mount, a root, state, a managed file), not only a path below. */
export function isNamed(node: PathNode): boolean {
  return !!(node.entry || node.mount || node.root || node.state.length || node.managed);
}

/** What matters on a host, without the folders above: state the next boot wipes, and what is kept. */
export interface ImportantPaths {
  /** Services' state on a tmpfs that nothing persists. */
  wiped: PathNode[];
  /** Persisted entries, and services' state that a persisted entry or another file system keeps. */
  kept: PathNode[];
}

/** `unpersisted` is the manifest's: state inside another place of the same service's is not listed twice. */
export function importantPaths(trees: HostTrees, unpersisted: readonly StatePath[]): ImportantPaths {
  const wiped = new Set(unpersisted.map((s) => s.path));
  const found: ImportantPaths = { wiped: [], kept: [] };
  const visit = (node: PathNode) => {
    if (node.placement === 'ephemeral' && wiped.has(node.path)) found.wiped.push(node);
    else if (node.entry || (node.state.length && ['persistent', 'mount'].includes(node.placement))) {
      found.kept.push(node);
    }
    node.children.forEach(visit);
  };
  visit(trees.system);
  trees.homes.forEach((h) => visit(h.tree));
  return found;
}

export function countNodes(node: PathNode): number {
  return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
}

// How each placement of a path reads in the UI: a short badge and a sentence.

import type { PathNode } from './path-tree.ts';

export function badge(node: Pick<PathNode, 'placement' | 'location'>): string {
  const where = node.location;
  switch (node.placement) {
    case 'ephemeral':
      return 'wiped at boot';
    case 'persistent':
      return where.kind === 'persistent' ? `kept on ${where.storage}` : 'kept';
    case 'mount':
      return where.kind === 'mount' ? `on ${where.fsType ?? 'a mount'} at ${where.mountPoint}` : 'on a mount';
    case 'store':
      return 'Nix store';
    case 'runtime':
      return 'made at boot';
    case 'managed':
      return 'linked by home-manager';
    default:
      return 'no file system declared';
  }
}

export function explanation(node: PathNode): string {
  const where = node.location;
  switch (node.placement) {
    case 'ephemeral':
      return `On the tmpfs at ${where.kind === 'ephemeral' ? where.mountPoint : '/'}: whatever is here is gone after the next reboot, unless it is persisted.`;
    case 'persistent': {
      if (where.kind !== 'persistent') return 'Kept across reboots.';
      const { entry } = where;
      const inside = entry.path === node.path ? '' : ` It is inside ${entry.path}, which is persisted.`;
      return `Kept across reboots: impermanence keeps it on ${where.storage}${entry.kind === 'directory' ? ' and mounts it here at boot' : ''}.${inside}`;
    }
    case 'mount':
      return `On its own ${where.kind === 'mount' ? `${where.fsType ?? ''} file system at ${where.mountPoint}` : 'file system'}: kept across reboots.`;
    case 'store':
      return 'In the Nix store: immutable, rebuilt from the flake, kept across reboots.';
    case 'runtime':
      return 'Made by the kernel and systemd at every boot; never persisted.';
    case 'managed':
      return 'A link home-manager makes at every activation: it comes back after a reboot, though the home is wiped.';
    default:
      return 'The host declares no file system for this path.';
  }
}

// What a store path's name says: a NixOS system's version ("nixos-system-web-24.05.20240601.abcdef1"), a package
// and its version ("linux-6.6.30"), and which host of a flake a system is named for.

/** The name after the hash: /nix/store/<hash>-<name>[/…] → <name>. */
export function storeName(path: string): string | null {
  const match = /^\/nix\/store\/[0-9a-z]{32}-([^/]+)/.exec(path);
  return match ? match[1]! : null;
}

/** A toplevel is named nixos-system-<hostName>-<label>, the label being the NixOS version unless set otherwise. */
export function versionOfSystem(path: string): string | null {
  const match = /^nixos-system-.+?-(\d\d\.\d\d[^/]*)$/.exec(storeName(path) ?? '');
  return match ? match[1]! : null;
}

/**
 * The host a system is named for, of `hostNames` (each host's networking.hostName): the one with the longest host
 * name the system's name starts with ("web-2" over "web" for nixos-system-web-2-24.05…), since the label after it
 * can be anything. null when no host's name fits.
 */
export function hostOfSystem(path: string, hostNames: Readonly<Record<string, string | null>>): string | null {
  const name = storeName(path) ?? '';
  let found: { host: string; length: number } | null = null;
  for (const [host, hostName] of Object.entries(hostNames)) {
    if (!hostName || !name.startsWith(`nixos-system-${hostName}-`)) continue;
    if (!found || hostName.length > found.length) found = { host, length: hostName.length };
  }
  return found?.host ?? null;
}

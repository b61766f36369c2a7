// What a store path's name says: a NixOS system's version ("nixos-system-web-24.05.20240601.abcdef1"), a package
// and its version ("linux-6.6.30").

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

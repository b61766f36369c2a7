# nix/dev-shells.nix: `nix develop`, then `npm ci` and `npm start`: Node 22, nixpkgs' Electron in place of the binary
# Electron's npm package would download, what the native modules compile with (pkg-config, libsecret, python3 and
# mkShell's C++ compiler and make), and the tools the app and its tests run (nix, age, sops, ssh-to-age, openssh).
{ pkgs }:
{
  default = pkgs.mkShell {
    packages = with pkgs; [
      nodejs_22
      pkg-config
      libsecret
      python3
      nix
      age
      sops
      ssh-to-age
      openssh
    ];
    # Electron's npm package runs the binary here (`npm start`, the Electron tests) and downloads none.
    ELECTRON_OVERRIDE_DIST_PATH = "${pkgs.electron}/bin";
    ELECTRON_SKIP_BINARY_DOWNLOAD = "1";
    # The native modules compile against these Node headers instead of downloading them.
    npm_config_nodedir = pkgs.nodejs_22;
  };
}

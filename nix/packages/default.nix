# nix/packages/default.nix: the flake's packages for one system (`nix build .#flakedeck`, `nix run .`).
{ pkgs }:
rec {
  flakedeck = pkgs.callPackage ./flakedeck.nix { };
  default = flakedeck;
}

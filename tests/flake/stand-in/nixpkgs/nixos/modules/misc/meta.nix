# Stand-in for nixpkgs' nixos/modules/misc/meta.nix (home-manager imports it from pkgs.path): the meta options
# modules set about themselves, typed loosely (documentation only).
{ lib, ... }:
{
  options.meta = lib.mkOption {
    type = lib.types.attrsOf lib.types.anything;
    default = { };
    internal = true;
    description = "Module metadata (maintainers, doc, teams).";
  };
}

# Stand-in for nixpkgs' nixos/modules/misc/assertions.nix (home-manager imports it from pkgs.path): the same two
# options, as upstream declares them.
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      description = "Conditions that must hold, with the message shown when one does not.";
    };
    warnings = lib.mkOption {
      internal = true;
      default = [ ];
      type = lib.types.listOf lib.types.str;
      description = "Warnings printed when the configuration is evaluated.";
    };
  };
}

# nix/features: one concern per file, each behind deck.features.<name>.enable (off by default).
# Every .nix file here is imported, so adding a feature is adding a file; nothing turns on by being imported.
{ lib, ... }:
{
  imports = lib.mapAttrsToList (file: _: ./. + "/${file}") (
    lib.filterAttrs (
      file: type: type == "regular" && lib.hasSuffix ".nix" file && file != "default.nix"
    ) (builtins.readDir ./.)
  );
}

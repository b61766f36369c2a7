# nix/roles/laptop.nix: a workstation on a battery that roams between networks.
{ config, lib, ... }:
let
  inherit (lib) mkDefault;
in
{
  options.deck.roles.laptop.enable = lib.mkEnableOption "the laptop role";

  config = lib.mkIf config.deck.roles.laptop.enable {
    deck.roles.workstation.enable = mkDefault true;
    deck.features = {
      power.enable = mkDefault true;
      wifi.enable = mkDefault true;
    };
  };
}

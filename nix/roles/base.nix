# nix/roles/base.nix: what every machine of the flake has. On unless a host says otherwise.
{ config, lib, ... }:
let
  inherit (lib) mkDefault;
in
{
  options.deck.roles.base.enable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "The baseline of every host: Nix settings, a key-only sshd, a firewall.";
  };

  config = lib.mkIf config.deck.roles.base.enable {
    deck.features.nix.enable = mkDefault true;
    deck.features.openssh.enable = mkDefault true;

    networking.firewall.enable = true;
    i18n.defaultLocale = mkDefault "en_US.UTF-8";
  };
}

# nix/roles/workstation.nix: a machine someone sits at: ephemeral root, GNOME, sound, networks, backups.
{ config, lib, ... }:
let
  inherit (lib) mkDefault;
in
{
  options.deck.roles.workstation.enable = lib.mkEnableOption "the workstation role";

  config = lib.mkIf config.deck.roles.workstation.enable {
    deck.persist.enable = mkDefault true;
    # Room for a desktop session's /tmp and caches; still small enough to notice what ought to be persisted.
    deck.persist.tmpfsSize = mkDefault "2G";

    deck.features = {
      gnome.enable = mkDefault true;
      pipewire.enable = mkDefault true;
      networkmanager.enable = mkDefault true;
      bluetooth.enable = mkDefault true;
      backup.enable = mkDefault true;
    };

    # The app that manages this flake, in the tray from login, opening the checkout the shell's `rebuild` uses.
    home-manager.users.${config.deck.user}.programs.flakedeck = {
      enable = mkDefault true;
      flake = mkDefault "${config.users.users.${config.deck.user}.home}/src/flakedeck";
    };

    boot.loader.systemd-boot.enable = mkDefault true;
    boot.loader.efi.canTouchEfiVariables = mkDefault true;
    time.timeZone = mkDefault "Europe/Berlin";
  };
}

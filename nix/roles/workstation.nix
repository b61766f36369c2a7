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
      # Flakes are evaluated and updated here: lift GitHub's API rate limit with a token.
      nix.githubToken = mkDefault true;
    };

    # Firmware updates from GNOME Software (LVFS metadata and update history kept across reboots).
    services.fwupd.enable = mkDefault true;

    deck.persist.system.directories = [
      "/var/lib/fwupd"
      # Colour profiles assigned to displays and printers (GNOME runs colord).
      {
        directory = "/var/lib/colord";
        user = "colord";
        group = "colord";
      }
      # Which users have seen sudo's lecture: without it, every reboot lectures again.
      {
        directory = "/var/db/sudo/lectured";
        mode = "0700";
      }
    ];

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

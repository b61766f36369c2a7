# nix/features/networkmanager.nix: networking on workstations: NetworkManager, with the connections it saves.
{ config, lib, ... }:
let
  cfg = config.deck.features.networkmanager;
in
{
  options.deck.features.networkmanager.enable = lib.mkEnableOption "NetworkManager";

  config = lib.mkIf cfg.enable {
    networking.networkmanager.enable = true;
    users.users.${config.deck.user}.extraGroups = [ "networkmanager" ];

    deck.persist.system.directories = [
      # Connections saved from GNOME or nmcli, wifi passwords included (root-only files).
      {
        directory = "/etc/NetworkManager/system-connections";
        mode = "0700";
      }
      # DHCP leases, seen access points, and the secret_key behind stable-privacy IPv6 addresses.
      "/var/lib/NetworkManager"
    ];
  };
}

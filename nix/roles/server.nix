# nix/roles/server.nix: an unattended machine: backups, UTC, nothing interactive.
{ config, lib, ... }:
let
  inherit (lib) mkDefault;
in
{
  options.deck.roles.server.enable = lib.mkEnableOption "the server role";

  config = lib.mkIf config.deck.roles.server.enable {
    deck.features.backup.enable = mkDefault true;

    time.timeZone = mkDefault "UTC";
    # Refused connections are the internet's background noise; they would drown the journal.
    networking.firewall.logRefusedConnections = mkDefault false;
    documentation.nixos.enable = mkDefault false;
  };
}

# nix/features/jellyfin.nix: Jellyfin media server, on the LAN.
{ config, lib, ... }:
let
  cfg = config.deck.features.jellyfin;
  jellyfin = config.services.jellyfin;
in
{
  options.deck.features.jellyfin = {
    enable = lib.mkEnableOption "the Jellyfin media server";
    mediaDir = lib.mkOption {
      type = lib.types.str;
      default = "/srv/media";
      description = "Library root (its own disk; not persisted through deck.persist and not backed up).";
    };
  };

  config = lib.mkIf cfg.enable {
    services.jellyfin = {
      enable = true;
      # 8096/tcp (web and apps), 8920/tcp (HTTPS, unused), 1900/udp and 7359/udp (client discovery on the LAN).
      openFirewall = true;
    };

    # Read access to the library without making it world-readable.
    systemd.tmpfiles.rules = [ "d ${cfg.mediaDir} 0750 root ${jellyfin.group} -" ];

    # Users, watch history, library metadata. The transcoding cache (/var/cache/jellyfin) may go.
    deck.persist.system.directories = [
      {
        directory = jellyfin.dataDir;
        inherit (jellyfin) user group;
        mode = "0700";
      }
    ];
  };
}

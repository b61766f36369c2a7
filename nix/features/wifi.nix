# nix/features/wifi.nix: wifi on the move: the home network declared with its passphrase from sops, power saving
# on. Networks joined on the road are saved by NetworkManager and persisted by the networkmanager feature.
{ config, lib, ... }:
let
  cfg = config.deck.features.wifi;
in
{
  options.deck.features.wifi = {
    enable = lib.mkEnableOption "wifi with a declared home network";
    homeSsid = lib.mkOption {
      type = lib.types.str;
      example = "Home";
      description = "SSID of the home network; its WPA passphrase is the sops secret wifi/home-psk.";
    };
  };

  config = lib.mkIf cfg.enable {
    deck.features.networkmanager.enable = true;
    networking.networkmanager.wifi.powersave = true;

    sops.secrets."wifi/home-psk".restartUnits = [ "NetworkManager-ensure-profiles.service" ];
    sops.templates."wifi-home.env".content = ''
      HOME_WIFI_PSK=${config.sops.placeholder."wifi/home-psk"}
    '';

    # Written to /run by NetworkManager-ensure-profiles, so it never collides with the persisted saved connections.
    networking.networkmanager.ensureProfiles = {
      environmentFiles = [ config.sops.templates."wifi-home.env".path ];
      profiles.home-wifi = {
        connection = {
          id = "home-wifi";
          type = "wifi";
          autoconnect = true;
        };
        wifi = {
          mode = "infrastructure";
          ssid = cfg.homeSsid;
        };
        wifi-security = {
          key-mgmt = "wpa-psk";
          psk = "$HOME_WIFI_PSK";
        };
        ipv4.method = "auto";
        ipv6 = {
          method = "auto";
          addr-gen-mode = "stable-privacy";
        };
      };
    };
  };
}

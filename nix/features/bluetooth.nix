# nix/features/bluetooth.nix: Bluetooth, with pairings that survive a reboot.
{ config, lib, ... }:
let
  cfg = config.deck.features.bluetooth;
in
{
  options.deck.features.bluetooth.enable = lib.mkEnableOption "Bluetooth";

  config = lib.mkIf cfg.enable {
    hardware.bluetooth = {
      enable = true;
      powerOnBoot = true;
    };

    # Paired devices and their link keys; without them every headset has to be paired again after a reboot.
    deck.persist.system.directories = [
      {
        directory = "/var/lib/bluetooth";
        mode = "0700";
      }
    ];
  };
}

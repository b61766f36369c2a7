# nix/features/power.nix: power management for machines on a battery.
{ config, lib, ... }:
let
  cfg = config.deck.features.power;
in
{
  options.deck.features.power.enable = lib.mkEnableOption "laptop power management";

  config = lib.mkIf cfg.enable {
    powerManagement.enable = true;
    # Profiles (power-saver / balanced / performance) switchable from GNOME's menu; TLP would conflict with it.
    services.power-profiles-daemon.enable = true;
    services.upower.enable = true;

    services.logind.settings.Login = {
      HandleLidSwitch = "suspend";
      HandleLidSwitchExternalPower = "lock";
      HandleLidSwitchDocked = "ignore";
    };

    deck.persist.system.directories = [
      "/var/lib/power-profiles-daemon" # the last chosen profile
      "/var/lib/upower" # battery history behind the charge graphs
    ];
  };
}

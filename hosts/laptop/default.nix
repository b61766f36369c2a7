# ==================================================================================================================
#  laptop: ThinkPad T14 (Intel). Same disk layout as the desktop (LUKS + btrfs, tmpfs root), plus the laptop role:
#  power profiles, lid handling, and wifi with the home network declared from sops.
# ==================================================================================================================
{ inputs, ... }:
{
  imports = [
    ./hardware-configuration.nix
    ../../nix/disko/workstation.nix # the disk layout, shared by the workstations
    # Firmware, power and input quirks of this model.
    inputs.nixos-hardware.nixosModules.lenovo-thinkpad-t14-intel-gen1
  ];

  deck.roles.laptop.enable = true;
  deck.features.wifi.homeSsid = "Example Home";

  deck.deploy.targetUser = "alice";

  system.stateVersion = "26.05";
}

# ==================================================================================================================
#  laptop: ThinkPad T14 (Intel). Same disk layout as the desktop (LUKS + btrfs, tmpfs root), plus the laptop role:
#  power profiles, lid handling, and wifi with the home network declared from sops.
# ==================================================================================================================
{
  imports = [ ./hardware-configuration.nix ];

  deck.roles.laptop.enable = true;
  deck.features.wifi.homeSsid = "Example Home";

  deck.deploy.targetUser = "alice";

  system.stateVersion = "26.05";
}

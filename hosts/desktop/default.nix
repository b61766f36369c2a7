# ==================================================================================================================
#  desktop: the tower at home (Ryzen 7, Radeon, one NVMe). LUKS + btrfs with `nix` and `persist` subvolumes;
#  / is a tmpfs, so only what the features declare through deck.persist survives a reboot.
# ==================================================================================================================
{
  imports = [
    ./hardware-configuration.nix
    ../../nix/disko/workstation.nix # the disk layout, shared by the workstations
  ];

  deck.roles.workstation.enable = true;

  # Deploys log in as alice and activate through sudo (root logins work too; this way they show in her sudo log).
  deck.deploy.targetUser = "alice";

  system.stateVersion = "26.05";
}

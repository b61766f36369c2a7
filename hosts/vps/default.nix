# ==================================================================================================================
#  vps: public KVM server at a hosting provider (2 vCPU, 2 GB). Serves the personal site and a Forgejo instance
#  behind nginx with Let's Encrypt certificates; sshd with keys only; nothing else is open.
#
#  Ephemeral root: yes. This is the machine most exposed to the internet, and a tmpfs root means anything dropped
#  outside the declared state (a webshell, a stray cron file, a tampered /etc) is gone at the next reboot. The
#  declared state is small (ACME, Forgejo, the baseline), so the list is also the complete backup and migration
#  list: restoring /persist on a new box restores the server. The price is RAM, hence a 512M tmpfs.
# ==================================================================================================================
{
  imports = [
    ./hardware-configuration.nix
    ./disko.nix
  ];

  deck.roles.server.enable = true;
  deck.persist = {
    enable = true;
    tmpfsSize = "512M";
  };

  deck.features = {
    acme = {
      enable = true;
      email = "alice@example.org";
    };
    website = {
      enable = true;
      domain = "example.org";
      root = ./site;
    };
    forgejo = {
      enable = true;
      domain = "git.example.org";
    };
  };

  # 2 GB of RAM, a tmpfs root and Forgejo: compressed swap in RAM rather than a swap partition on the provider's disk.
  zramSwap = {
    enable = true;
    memoryPercent = 50;
  };

  # BIOS boot, as most VPS providers still offer; disko adds the disk with the BIOS boot partition (disko.nix) to
  # GRUB's devices.
  boot.loader.grub.enable = true;

  deck.deploy.targetHost = "vps.example.org";

  system.stateVersion = "26.05";
}

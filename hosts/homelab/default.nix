# ==================================================================================================================
#  homelab: QEMU/KVM guest on the home server (UEFI/OVMF, virtio disk, a second disk for media), LAN only.
#  Runs Jellyfin, Vaultwarden and Prometheus + Grafana (which also watches the VPS from outside); each service's
#  module opens its own firewall ports.
#
#  Root on disk, not ephemeral: the hypervisor snapshots the whole VM disk before each deploy and nightly, which
#  already gives a known-good state to roll back to; a tmpfs root would be a second mechanism for the same thing
#  and cost the VM RAM that Jellyfin transcoding wants. The features still declare their state (deck.persist), and
#  those lists drive the restic backup.
# ==================================================================================================================
{
  imports = [
    ./hardware-configuration.nix
    ./disko.nix
  ];

  deck.roles.server.enable = true;

  deck.features = {
    jellyfin.enable = true;
    monitoring = {
      enable = true;
      domain = "grafana.home.example.org";
      # The public VPS, watched from home: its site, its forge and its sshd.
      probes = {
        http = [
          "https://example.org"
          "https://git.example.org"
        ];
        tcp = [ "vps.example.org:22" ];
      };
    };
    vaultwarden = {
      enable = true;
      domain = "vault.home.example.org";
    };
    # Not reachable from the internet, so certificates come through the DNS-01 challenge.
    acme = {
      email = "alice@example.org";
      dnsProvider = "cloudflare";
    };
  };

  services.qemuGuest.enable = true;
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  # Build on the homelab itself: the VM has the home server's cores, and the laptop stays cool.
  deck.deploy = {
    targetHost = "homelab.lan";
    buildOn = "remote";
  };

  system.stateVersion = "26.05";
}

# nix/disko/workstation.nix: the workstations' disk layout (desktop and laptop import it), partitioned and formatted
# by disko (nixos-anywhere runs it at install), and the source of the file systems NixOS mounts (disko derives
# fileSystems and the LUKS device from it, so the two cannot disagree). One NVMe: an EFI system partition, and LUKS
# holding btrfs with two subvolumes, `nix` (the store) and `persist` (what survives a reboot); / is a tmpfs
# (nix/modules/persist.nix).
let
  parts = import ./parts.nix;
in
{
  disko.devices.disk.main = {
    type = "disk";
    # Replace with the disk's /dev/disk/by-id/ name (`ls -l /dev/disk/by-id` in the installer).
    device = "/dev/nvme0n1";
    content = {
      type = "gpt";
      partitions = {
        ESP = parts.esp;
        cryptroot = {
          size = "100%";
          content = {
            type = "luks";
            name = "cryptroot";
            # Asked once at install (nixos-anywhere --disk-encryption-keys /tmp/secret.key <file>), then at boot.
            passwordFile = "/tmp/secret.key";
            settings.allowDiscards = true;
            content = parts.nixAndPersist;
          };
        };
      };
    };
  };
}

# hosts/homelab/disko.nix: the system disk's layout, partitioned and formatted by disko (nixos-anywhere runs it at
# install), and the source of the file systems NixOS mounts from it. UEFI (OVMF) with an EFI system partition and an
# ext4 root: the hypervisor snapshots this disk. The media disk is not here on purpose: a reinstall must not format
# it; it stays in hardware-configuration.nix.
{
  disko.devices.disk.main = {
    type = "disk";
    device = "/dev/vda";
    content = {
      type = "gpt";
      partitions = {
        ESP = {
          size = "1G";
          type = "EF00";
          content = {
            type = "filesystem";
            format = "vfat";
            mountpoint = "/boot";
            mountOptions = [
              "fmask=0077"
              "dmask=0077"
            ];
          };
        };
        root = {
          size = "100%";
          content = {
            type = "filesystem";
            format = "ext4";
            mountpoint = "/";
          };
        };
      };
    };
  };
}

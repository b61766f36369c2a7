# hosts/homelab/disko.nix: the system disk's layout, partitioned and formatted by disko (nixos-anywhere runs it at
# install), and the source of the file systems NixOS mounts from it. UEFI (OVMF) with an EFI system partition and an
# ext4 root: the hypervisor snapshots this disk. The media disk is not here on purpose: a reinstall must not format
# it; it stays in hardware-configuration.nix.
let
  parts = import ../../nix/disko/parts.nix;
in
{
  disko.devices.disk.main = {
    type = "disk";
    device = "/dev/vda";
    content = {
      type = "gpt";
      partitions = {
        ESP = parts.esp;
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

# hosts/vps/disko.nix: the disk layout, partitioned and formatted by disko (nixos-anywhere runs it at install), and
# the source of the file systems NixOS mounts (disko derives fileSystems and GRUB's boot device from it, so they
# cannot disagree). BIOS boot with GRUB, as most providers offer; no LUKS, since nobody is there to type a passphrase
# at a reboot. btrfs with `nix` and `persist` subvolumes; / is a tmpfs (nix/modules/persist.nix).
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
        # GRUB's core image on a GPT disk booted by BIOS.
        bios = {
          size = "1M";
          type = "EF02";
        };
        boot = {
          size = "512M";
          content = {
            type = "filesystem";
            format = "ext4";
            mountpoint = "/boot";
          };
        };
        root = {
          size = "100%";
          content = parts.nixAndPersist;
        };
      };
    };
  };
}

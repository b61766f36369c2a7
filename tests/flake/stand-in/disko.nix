# tests/flake/stand-in/disko.nix: disko's NixOS module, stood in (disko cannot be fetched on the test machines and
# has no snapshot in ../shared/nix-sources). It declares `disko.devices` and derives from it what disko's own types
# derive (nix-community/disko lib/types: gpt.nix, filesystem.nix, luks.nix, btrfs.nix) for the types this flake
# uses: file systems, LUKS devices, GRUB's BIOS boot devices. Any other content type fails, so a layout the stand-in
# does not know is not silently passed over.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  # One content node of a layout, with the device it sits on: its fileSystems, LUKS devices and GRUB devices.
  derive =
    device: content:
    if content == null then
      { }
    else if content.type == "filesystem" then
      lib.optionalAttrs (content.mountpoint or null != null) {
        fileSystems.${content.mountpoint} = {
          inherit device;
          fsType = content.format;
          options = content.mountOptions or [ "defaults" ];
        };
      }
    else if content.type == "luks" then
      lib.recursiveUpdate {
        boot.initrd.luks.devices.${content.name}.device = device;
      } (derive "/dev/mapper/${content.name}" (content.content or null))
    else if content.type == "btrfs" then
      {
        fileSystems = lib.listToAttrs (
          lib.concatMap (
            name:
            let
              subvolume = content.subvolumes.${name};
            in
            lib.optional (subvolume.mountpoint or null != null) {
              name = subvolume.mountpoint;
              value = {
                inherit device;
                fsType = "btrfs";
                options = (subvolume.mountOptions or [ "defaults" ]) ++ [ "subvol=${subvolume.name or name}" ];
              };
            }
          ) (builtins.attrNames (content.subvolumes or { }))
        );
      }
    else
      throw "disko stand-in: content type `${content.type}' is not one this stand-in derives (filesystem, luks, btrfs)";

  # A gpt disk: each partition is /dev/disk/by-partlabel/disk-<disk>-<partition>; an EF02 partition makes the disk
  # a GRUB (BIOS) boot device.
  deriveDisk =
    diskName: disk:
    assert disk.content.type == "gpt";
    lib.foldl' lib.recursiveUpdate { } (
      lib.mapAttrsToList (
        partName: partition:
        lib.recursiveUpdate (derive "/dev/disk/by-partlabel/disk-${diskName}-${partName}" (partition.content or null)) (
          lib.optionalAttrs ((partition.type or "") == "EF02") { boot.loader.grub.devices = [ disk.device ]; }
        )
      ) disk.content.partitions
    );

  derived = lib.foldl' lib.recursiveUpdate { } (lib.mapAttrsToList deriveDisk config.disko.devices.disk);
in
{
  options.disko = {
    devices = mkOption {
      type = types.submodule {
        freeformType = types.attrsOf types.anything;
        options.disk = mkOption {
          type = types.attrsOf (
            types.submodule {
              freeformType = types.attrsOf types.anything;
              options.device = mkOption { type = types.str; };
              options.type = mkOption {
                type = types.enum [ "disk" ];
                default = "disk";
              };
              options.content = mkOption { type = types.attrsOf types.anything; };
            }
          );
          default = { };
        };
      };
      default = { };
    };
    enableConfig = mkOption {
      type = types.bool;
      default = true;
    };
  };

  config = lib.mkIf config.disko.enableConfig {
    fileSystems = derived.fileSystems or { };
    boot.initrd.luks.devices = derived.boot.initrd.luks.devices or { };
    boot.loader.grub.devices = derived.boot.loader.grub.devices or [ ];
  };
}
